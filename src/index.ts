// Public API of flowseg.
export { FlowsegInputError, FlowsegEngineError } from './util/errors.js';
export * from './metrics/index.js';
