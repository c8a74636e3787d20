export { Module } from './module.js';
export { Conv2d, Linear, Mlp, type LayerOptions } from './layers.js';
export { heNormal, smallNormal, uniformFanIn } from './init.js';
