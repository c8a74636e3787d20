import { Inflate } from 'fflate';
import { FlowsegInputError } from '../util/errors.js';
import { limit } from '../util/limits.js';
import { concatBytes } from './bytes.js';

/**
 * Deflated Explicit VR Little Endian: dcmjs inflates the whole dataset at once, so a small
 * file could expand into gigabytes. This inflates the raw deflate body in steps and refuses as
 * soon as it exceeds what one image may need (maxPixels × 4 bytes + 16 MiB of header room);
 * the inflated dataset is returned for the element-length check.
 */
export function inflateDataset(bytes: Uint8Array, bodyAt: number, name: string): Uint8Array {
  const cap = limit('maxPixels') * 4 + 16 * 2 ** 20;
  const chunks: Uint8Array[] = [];
  let total = 0;
  const inflater = new Inflate((chunk) => {
    total += chunk.length;
    if (total <= cap) chunks.push(chunk);
  });
  try {
    const step = 1 << 16;
    for (let at = bodyAt; at < bytes.length && total <= cap; at += step)
      inflater.push(bytes.subarray(at, Math.min(at + step, bytes.length)), at + step >= bytes.length);
  } catch (e) {
    throw new FlowsegInputError(`${name}: the deflated dataset cannot be inflated (${(e as Error).message}); the file is truncated or corrupt`);
  }
  if (total > cap) {
    throw new FlowsegInputError(
      `${name}: the deflated dataset inflates to more than ${cap.toLocaleString('en-US')} bytes, more than one image needs (set FLOWSEG_MAX_PIXELS to raise it); the file is corrupt or not what it claims`,
    );
  }
  return concatBytes(chunks, total);
}
