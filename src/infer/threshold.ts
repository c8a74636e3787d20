/** A sample's pixel is foreground when its probability exceeds this (every engine, metric and viewer). */
export const FOREGROUND_THRESHOLD = 0.5;

/** Binary mask of a probability map: p > FOREGROUND_THRESHOLD. */
export function toMask(probs: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(probs.length);
  for (let i = 0; i < probs.length; i++) out[i] = (probs[i] as number) > FOREGROUND_THRESHOLD ? 1 : 0;
  return out;
}
