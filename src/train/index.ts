export { train, type TrainOptions, type TrainResult, type StopReason } from './loop.js';
export { DEFAULT_TRAIN, type TrainConfig, type Monitor } from './config.js';
export { TrainingDivergedError } from './errors.js';
export { makeBatch, chunk } from './batches.js';
export { clipGradNorm, latentHealth, type LatentHealth } from './health.js';
