import { checkPixels } from '../../util/limits.js';
import type { Raster } from './raster.js';

/**
 * Netpbm PPM/PGM (P2, P3 ASCII; P5, P6 binary), the format of STARE. Small enough to parse
 * by hand, which beats a dependency. Throws plain Errors (`decodeImage` adds the file name),
 * except for the size limit, which is checked before the sample buffer is allocated.
 */
export function decodePnm(bytes: Uint8Array, file = 'netpbm image'): Raster {
  let pos = 0;
  // Header tokens are separated by whitespace; `#` starts a comment up to end of line.
  const token = (): string => {
    for (;;) {
      while (pos < bytes.length && isSpace(bytes[pos])) pos++;
      if (bytes[pos] !== 0x23) break;
      while (pos < bytes.length && bytes[pos] !== 0x0a && bytes[pos] !== 0x0d) pos++;
    }
    const start = pos;
    while (pos < bytes.length && !isSpace(bytes[pos])) pos++;
    if (start === pos) throw new Error('truncated header');
    return String.fromCharCode(...bytes.subarray(start, pos));
  };
  const magic = token();
  if (!['P2', 'P3', 'P5', 'P6'].includes(magic)) throw new Error(`unsupported netpbm type ${magic}`);
  const width = positiveInt(token(), 'width');
  const height = positiveInt(token(), 'height');
  checkPixels(width, height, file, 're-export the image at a smaller size');
  const maxValue = positiveInt(token(), 'maxval');
  if (maxValue > 65535) throw new Error(`maxval ${maxValue} exceeds 65535`);
  const channels = magic === 'P3' || magic === 'P6' ? 3 : 1;
  const count = width * height * channels;
  const data = maxValue < 256 ? new Uint8Array(count) : new Uint16Array(count); // [H, W, C]
  if (magic === 'P5' || magic === 'P6') {
    pos++; // exactly one whitespace byte separates the header from the samples
    const wide = maxValue >= 256;
    const need = count * (wide ? 2 : 1);
    if (bytes.length - pos < need) throw new Error(`truncated: ${bytes.length - pos} of ${need} sample bytes`);
    // Binary samples are big-endian when two bytes wide.
    for (let i = 0; i < count; i++) {
      data[i] = wide ? (bytes[pos + 2 * i] << 8) | bytes[pos + 2 * i + 1] : bytes[pos + i];
    }
  } else {
    for (let i = 0; i < count; i++) data[i] = Number(token());
  }
  for (let i = 0; i < count; i++) {
    if (!(data[i] <= maxValue)) throw new Error(`sample ${data[i]} exceeds maxval ${maxValue}`);
  }
  return { width, height, channels, maxValue, data };
}

/** Encodes a binary P5/P6 file (tests build STARE fixtures with it). */
export function encodePnm(r: Raster): Uint8Array {
  const header = new TextEncoder().encode(`${r.channels === 3 ? 'P6' : 'P5'}\n${r.width} ${r.height}\n${r.maxValue}\n`);
  const wide = r.maxValue >= 256;
  const body = new Uint8Array(r.data.length * (wide ? 2 : 1));
  for (let i = 0; i < r.data.length; i++) {
    if (wide) {
      body[2 * i] = r.data[i] >> 8;
      body[2 * i + 1] = r.data[i] & 0xff;
    } else body[i] = r.data[i];
  }
  const out = new Uint8Array(header.length + body.length);
  out.set(header);
  out.set(body, header.length);
  return out;
}

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d || b === 0x0b || b === 0x0c;
}

function positiveInt(s: string, what: string): number {
  const v = Number(s);
  if (!Number.isInteger(v) || v <= 0) throw new Error(`bad ${what} "${s}"`);
  return v;
}
