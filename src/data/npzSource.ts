/**
 * Sequential byte sources over a file region, so arrays are read item by item and never
 * sit in memory whole: a plain `.npy`, a stored `.npz` member (np.savez) read in place, or a
 * deflated member (np.savez_compressed) inflated as it is consumed with fflate's streaming
 * `Inflate`. Zip members are located through the central directory (zip64 aware: numpy
 * writes zip64 records for large arrays), so `images` and `masks` stream side by side.
 */
import type { FileHandle } from 'node:fs/promises';
import { Inflate } from 'fflate';

export interface ByteSource {
  /** Exactly `n` further bytes; throws `TruncatedError` when the region ends first. */
  read(n: number): Promise<Uint8Array>;
}

export class TruncatedError extends Error {}

/** Bytes `[start, end)` of an open file, read on demand. */
export function fileRange(fh: FileHandle, start: number, end: number): ByteSource {
  let pos = start;
  return {
    async read(n) {
      if (pos + n > end) throw new TruncatedError(`needs ${n} bytes at offset ${pos}, region ends at ${end}`);
      const out = new Uint8Array(n);
      let got = 0;
      while (got < n) {
        const { bytesRead } = await fh.read(out, got, n - got, pos + got);
        if (bytesRead === 0) throw new TruncatedError(`file ends at offset ${pos + got}`);
        got += bytesRead;
      }
      pos += n;
      return out;
    },
  };
}

/** Input fed to the inflater per step: deflate expands at most ~1032×, so one step yields ≤ ~17 MB. */
const INFLATE_STEP = 1 << 14;

/**
 * A raw-DEFLATE region of a file, inflated incrementally (memory ≈ one read + one step's
 * output). `declaredSize` is the member's uncompressed size from the zip directory: a
 * stream that inflates past it is refused, so a small file cannot become a bomb.
 */
export function inflatedRange(fh: FileHandle, start: number, end: number, declaredSize: number): ByteSource {
  const raw = fileRange(fh, start, end);
  let remaining = end - start;
  const pending: Uint8Array[] = [];
  let buffered = 0;
  let produced = 0;
  let done = false;
  const inflater = new Inflate((chunk, final) => {
    pending.push(chunk);
    buffered += chunk.length;
    produced += chunk.length;
    done ||= final;
  });
  return {
    async read(n) {
      while (buffered < n) {
        if (done || remaining === 0) throw new TruncatedError(`compressed stream ends ${n - buffered} bytes short`);
        const take = Math.min(INFLATE_STEP, remaining);
        remaining -= take;
        inflater.push(await raw.read(take), remaining === 0);
        if (produced > declaredSize) {
          throw new ZipFormatError(`the member inflates past its declared ${declaredSize} bytes (a decompression bomb or a corrupt zip)`);
        }
      }
      const out = new Uint8Array(n);
      let got = 0;
      while (got < n) {
        const head = pending[0];
        const use = Math.min(head.length, n - got);
        out.set(head.subarray(0, use), got);
        got += use;
        if (use === head.length) pending.shift();
        else pending[0] = head.subarray(use);
      }
      buffered -= n;
      return out;
    },
  };
}

export interface ZipMember {
  name: string;
  /** 0 = stored, 8 = deflated. */
  method: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

/** Plain errors; the reader adds the file name and the fix. */
export class ZipFormatError extends Error {}

/** Lists members from the central directory (handles zip64 end records and extra fields). */
export async function listZip(fh: FileHandle, fileSize: number): Promise<ZipMember[]> {
  const tailLen = Math.min(fileSize, 22 + 0xffff + 20);
  const tail = await fileRange(fh, fileSize - tailLen, fileSize).read(tailLen);
  const tv = new DataView(tail.buffer);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tv.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ZipFormatError('no zip end record (not a zip, or truncated)');
  let count = tv.getUint16(eocd + 10, true);
  let cdSize = tv.getUint32(eocd + 12, true);
  let cdOffset = tv.getUint32(eocd + 16, true);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const loc = eocd - 20;
    if (loc < 0 || tv.getUint32(loc, true) !== 0x07064b50) throw new ZipFormatError('zip64 locator missing');
    const z64at = Number(tv.getBigUint64(loc + 8, true));
    const z = new DataView((await fileRange(fh, z64at, z64at + 56).read(56)).buffer);
    if (z.getUint32(0, true) !== 0x06064b50) throw new ZipFormatError('zip64 end record missing');
    count = Number(z.getBigUint64(32, true));
    cdSize = Number(z.getBigUint64(40, true));
    cdOffset = Number(z.getBigUint64(48, true));
  }
  if (cdOffset + cdSize > fileSize) throw new ZipFormatError('central directory lies past the end of the file (truncated)');
  const cd = await fileRange(fh, cdOffset, cdOffset + cdSize).read(cdSize);
  const v = new DataView(cd.buffer);
  const members: ZipMember[] = [];
  let p = 0;
  for (let k = 0; k < count; k++) {
    if (p + 46 > cd.length || v.getUint32(p, true) !== 0x02014b50) throw new ZipFormatError('corrupt central directory');
    if (v.getUint16(p + 8, true) & 1) throw new ZipFormatError('encrypted members are not supported');
    const nameLen = v.getUint16(p + 28, true);
    const extraLen = v.getUint16(p + 30, true);
    const commentLen = v.getUint16(p + 32, true);
    const m: ZipMember = {
      name: new TextDecoder().decode(cd.subarray(p + 46, p + 46 + nameLen)),
      method: v.getUint16(p + 10, true),
      compressedSize: v.getUint32(p + 20, true),
      size: v.getUint32(p + 24, true),
      localHeaderOffset: v.getUint32(p + 42, true),
    };
    // Zip64 extra (id 1) holds, in order, only the fields saturated at 0xffffffff.
    for (let e = p + 46 + nameLen; e + 4 <= p + 46 + nameLen + extraLen; ) {
      const id = v.getUint16(e, true);
      const len = v.getUint16(e + 2, true);
      if (id === 1) {
        let q = e + 4;
        const next = (): number => {
          const x = Number(v.getBigUint64(q, true));
          q += 8;
          return x;
        };
        if (m.size === 0xffffffff) m.size = next();
        if (m.compressedSize === 0xffffffff) m.compressedSize = next();
        if (m.localHeaderOffset === 0xffffffff) m.localHeaderOffset = next();
      }
      e += 4 + len;
    }
    members.push(m);
    p += 46 + nameLen + extraLen + commentLen;
  }
  return members;
}

/** A member's (decompressed) bytes as a source; throws for methods other than stored/deflated. */
export async function openMember(fh: FileHandle, fileSize: number, m: ZipMember): Promise<ByteSource> {
  const local = await fileRange(fh, m.localHeaderOffset, fileSize).read(30);
  const lv = new DataView(local.buffer);
  if (lv.getUint32(0, true) !== 0x04034b50) throw new ZipFormatError(`corrupt local header for ${m.name}`);
  const start = m.localHeaderOffset + 30 + lv.getUint16(26, true) + lv.getUint16(28, true);
  const end = start + m.compressedSize;
  if (end > fileSize) throw new ZipFormatError(`${m.name} runs past the end of the file (truncated)`);
  if (m.method === 0) return fileRange(fh, start, end);
  if (m.method === 8) return inflatedRange(fh, start, end, m.size);
  throw new ZipFormatError(`${m.name} uses zip method ${m.method}; re-save with np.savez or np.savez_compressed`);
}
