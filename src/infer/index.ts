export type { ImageSamples } from './types.js';
export { FOREGROUND_THRESHOLD, toMask } from './threshold.js';
export { loadModelInput } from './modelInput.js';
export { priorNoise } from './noise.js';
export { sampleImage } from './sampleImage.js';
