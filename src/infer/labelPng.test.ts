import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inflateSync } from 'node:zlib';
import { PNG } from 'pngjs';
import { encodeLabelPng } from './labelPng.js';

/** IHDR fields and the pixel bytes of a non-interlaced 8-bit one-channel PNG, read by hand. */
function readPng(png: Buffer): { width: number; height: number; bitDepth: number; colorType: number; pixels: number[] } {
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  const idat: Buffer[] = [];
  for (let o = 8; o < png.length; ) {
    const len = png.readUInt32BE(o);
    if (png.toString('latin1', o + 4, o + 8) === 'IDAT') idat.push(png.subarray(o + 8, o + 8 + len));
    o += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  // Undo the per-row filters (PNG spec §9, 1 byte per pixel): None, Sub, Up, Average, Paeth.
  const pixels: number[] = [];
  const at = (x: number, y: number): number => (x < 0 || y < 0 ? 0 : (pixels[y * width + x] as number));
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (width + 1)] as number;
    for (let x = 0; x < width; x++) {
      const [a, b, c] = [at(x - 1, y), at(x, y - 1), at(x - 1, y - 1)];
      const p = a + b - c;
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      const pred = [0, a, b, (a + b) >> 1, paeth][filter] as number;
      pixels.push(((raw[y * (width + 1) + 1 + x] as number) + pred) & 255);
    }
  }
  return { width, height, bitDepth: png[24] as number, colorType: png[25] as number, pixels };
}

test('encodeLabelPng: one 8-bit gray channel with the values 0 and 1 (nnU-Net/MONAI label files)', () => {
  const mask = Uint8Array.from([0, 1, 1, 0, 0, 1]);
  const png = readPng(Buffer.from(encodeLabelPng(mask, 2, 3)));
  assert.deepEqual({ ...png, pixels: undefined }, { width: 3, height: 2, bitDepth: 8, colorType: 0, pixels: undefined });
  assert.deepEqual(png.pixels, [0, 1, 1, 0, 0, 1]);
  // A second decoder (pngjs checks the CRCs) agrees.
  const decoded = PNG.sync.read(Buffer.from(encodeLabelPng(mask, 2, 3)), { skipRescale: true } as never);
  assert.deepEqual([...decoded.data.filter((_, i) => i % 4 === 0)], [0, 1, 1, 0, 0, 1]);
  assert.throws(() => encodeLabelPng(mask, 2, 2), RangeError);
});
