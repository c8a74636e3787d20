import { Inflate } from 'fflate';
import { FlowsegInputError } from '../util/errors.js';
import { limit } from '../util/limits.js';

/**
 * Deflated Explicit VR Little Endian: dcmjs inflates the whole dataset at once, so a small
 * file could expand into gigabytes. This streams the raw deflate body once, counting bytes,
 * and refuses before dcmjs runs when it would exceed what one image may need
 * (maxPixels × 4 bytes + 16 MiB of header room).
 */
export function checkDeflatedSize(bytes: Uint8Array, name: string): void {
  const cap = limit('maxPixels') * 4 + 16 * 2 ** 20;
  const body = bodyStart(bytes);
  let total = 0;
  let over = false;
  const inflater = new Inflate((chunk) => {
    total += chunk.length;
    if (total > cap) over = true;
  });
  try {
    const step = 1 << 16;
    for (let at = body; at < bytes.length && !over; at += step) inflater.push(bytes.subarray(at, Math.min(at + step, bytes.length)), at + step >= bytes.length);
  } catch (e) {
    throw new FlowsegInputError(`${name}: the deflated dataset cannot be inflated (${(e as Error).message}); the file is truncated or corrupt`);
  }
  if (over) {
    throw new FlowsegInputError(
      `${name}: the deflated dataset inflates to more than ${cap.toLocaleString('en-US')} bytes, more than one image needs (set FLOWSEG_MAX_PIXELS to raise it); the file is corrupt or not what it claims`,
    );
  }
}

/** Offset of the dataset after the file meta group (whose length (0002,0000) comes first). */
function bodyStart(b: Uint8Array): number {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const at = 132;
  if (b.length >= at + 12 && v.getUint16(at, true) === 0x0002 && v.getUint16(at + 2, true) === 0x0000) return at + 12 + v.getUint32(at + 8, true);
  return at;
}
