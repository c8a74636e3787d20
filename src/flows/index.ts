export { FlowChain, type FlowStep, type FlowOutput } from './flow.js';
export { createFlow, isFlowKind, FLOW_KINDS, type FlowKind } from './registry.js';
export { PlanarStep, planarTransform, constrainU, splitPlanar } from './planar.js';
export { RadialStep, radialTransform, radialCoefficients, splitRadial } from './radial.js';
export { CondPlanarStep } from './condPlanar.js';
export { CondActNorm } from './condGlow/actNorm.js';
export { CondInvertible1x1, randomOrthogonal } from './condGlow/invertible1x1.js';
export { CondAffineCoupling, couplingLogScale } from './condGlow/affineCoupling.js';
export { CondGlowStep } from './condGlow/step.js';
