export { Tensor } from './tensor.js';
export { scope, keep, scopeDepth } from './scope.js';
export * from './create.js';
export * from './functional.js';
export * from './engine.js';
export { Optimizer, clipGradNorm, type OptimizerKind, type OptimizerOptions } from './optimizer.js';
export { saveSafetensors, loadSafetensors, loadRawSafetensors, saveRawSafetensors, type RawTensor } from './safetensors.js';
export type { DType, Device, AnyTypedArray } from './dtype.js';
export type { CpuAllocatorStats } from './native.js';
