import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { FlowsegInputError } from '../../util/errors.js';
import { decodeImage } from './decode.js';
import { decodePnm, encodePnm } from './ppm.js';
import { strictMask, thresholdMask, toPlanes } from './raster.js';

test('PPM round trip (8- and 16-bit), ASCII P2 with comments, gzip sniffed by magic', () => {
  const rgb = { width: 2, height: 1, channels: 3 as const, maxValue: 255, data: Uint8Array.from([255, 0, 0, 0, 200, 255]) };
  assert.deepEqual(decodeImage(gzipSync(encodePnm(rgb)), 'a.ppm.gz'), rgb);
  const wide = { width: 1, height: 2, channels: 1 as const, maxValue: 1023, data: Uint16Array.from([1023, 7]) };
  assert.deepEqual(decodePnm(encodePnm(wide)), wide);
  const ascii = new TextEncoder().encode('P2\n# STARE-style comment\n3 1\n255\n0 128 255\n');
  assert.deepEqual([...decodePnm(ascii).data], [0, 128, 255]);
  assert.deepEqual(toPlanes(rgb, 'green'), Float32Array.from([0, 200 / 255]));
  assert.deepEqual([...thresholdMask(rgb)], [0, 1]); // BT.601 luminance 76 < 128 ≤ 146
});

test('bad images: unknown bytes, truncated PPM, non-binary strict mask', () => {
  const isInput = (pattern: RegExp) => (e: unknown) => e instanceof FlowsegInputError && pattern.test(e.message);
  assert.throws(() => decodeImage(new Uint8Array([1, 2, 3]), 'x.bin'), isInput(/x\.bin: not a PNG, JPEG, TIFF, GIF or PPM/));
  const ppm = encodePnm({ width: 4, height: 4, channels: 1, maxValue: 255, data: new Uint8Array(16) });
  assert.throws(() => decodeImage(ppm.subarray(0, ppm.length - 3), 'im.ppm'), isInput(/im\.ppm: cannot decode PNM \(truncated: 13 of 16 sample bytes\)/));
  const soft = { width: 2, height: 1, channels: 1 as const, maxValue: 255, data: Uint8Array.from([0, 77]) };
  assert.throws(() => strictMask(soft, 'm.png'), isInput(/m\.png: mask value 77 at pixel \(1, 0\) is not binary/));
  assert.deepEqual([...strictMask({ ...soft, data: Uint8Array.from([4, 252]) }, 'p.gif', 0.05)], [0, 1]);
});
