export { train, type TrainOptions, type TrainResult, type StopReason } from './loop.js';
export { DEFAULT_TRAIN, type TrainConfig, type Monitor } from './config.js';
export { readCheckpoint, restore, disposeCheckpoint, saveCheckpoint, LAST, BEST, type TrainState, type LoadedCheckpoint } from './checkpoint.js';
export { openTrainingData, makeSplit } from './dataset.js';
export { TrainingDivergedError } from './errors.js';
export { makeBatch, chunk } from './batches.js';
export { loadTrainedModel } from './loadModel.js';
