/**
 * A problem with what the user gave us (a file, a flag, a config key). The CLI prints
 * `message` as one line and exits with code 2; the message names the culprit and the fix.
 */
export class FlowsegInputError extends Error {
  override name = 'FlowsegInputError';
}

/** An error raised by the native libtorch engine, carrying libtorch's own message. */
export class FlowsegEngineError extends Error {
  override name = 'FlowsegEngineError';
}
