export { Module } from './module.js';
export { ModuleList } from './moduleList.js';
export { Conv2d, Linear, Mlp, type LayerOptions } from './layers.js';
export { heNormal, smallNormal, uniformFanIn } from './init.js';
export { chain } from './chain.js';
export { onnxInitializer, type OnnxEmitter } from './onnx.js';
