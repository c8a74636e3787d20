export { FlowChain, type FlowStep, type FlowOutput } from './flow.js';
export { createFlow, FLOW_KINDS, type FlowKind } from './registry.js';
export { PlanarStep, planarTransform } from './planar.js';
export { RadialStep, radialTransform } from './radial.js';
export { CondPlanarStep } from './condPlanar.js';
export { CondGlowStep } from './condGlow/step.js';
