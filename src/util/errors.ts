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

/**
 * Turns a full disk (ENOSPC, or EDQUOT over quota) while writing `path` into a one-line input
 * error saying how much room the write needs; other errors pass through unchanged.
 */
export function diskFullError(err: unknown, path: string, bytesNeeded: number, kept: string): unknown {
  const code = (err as { code?: unknown } | null)?.code; // no NodeJS types: the viewer (browser) imports this file
  if (code !== 'ENOSPC' && code !== 'EDQUOT') return err;
  const mb = Math.max(0.1, bytesNeeded / 2 ** 20).toFixed(1);
  return new FlowsegInputError(`${path}: no space left on the device (this write needs about ${mb} MB free); ${kept} — free some space and run again`);
}
