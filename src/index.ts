// Public API of flowseg: engine-free (no native code), also usable in the browser.
export { FlowsegInputError, FlowsegEngineError } from './util/errors.js';
export * from './metrics/index.js';
export { priorNoise } from './infer/noise.js';
export { FOREGROUND_THRESHOLD, toMask } from './infer/threshold.js';
export { encodeLabelPng } from './infer/labelPng.js';
