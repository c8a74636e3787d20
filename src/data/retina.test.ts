import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { FlowsegInputError } from '../util/errors.js';
import { sharedDataDir } from '../util/paths.js';
import { encodePnm } from './image/ppm.js';
import { type RetinaItem, type RetinaOptions, readRetina } from './retina.js';
import { patchOffsets } from './retinaPatches.js';

/** Every fixture of this file lives under one temp folder, removed when the tests end. */
const scratch = mkdtempSync(join(tmpdir(), 'flowseg-retina-test-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const require = createRequire(import.meta.url);
const UTIF = require('utif') as { encodeImage(rgba: Uint8Array, w: number, h: number): ArrayBuffer };
const { GifWriter } = require('omggif') as {
  GifWriter: new (
    buf: Uint8Array,
    w: number,
    h: number,
    opts: { palette: number[] },
  ) => {
    addFrame(x: number, y: number, w: number, h: number, indices: Uint8Array): void;
    end(): number;
  };
};

const collect = async (input: string, options: RetinaOptions = {}): Promise<RetinaItem[]> => {
  const out: RetinaItem[] = [];
  for await (const it of readRetina(input, options)) out.push(it);
  return out;
};
const W = 40;
const H = 30;
/** Pixel rule shared by the fixtures: bright aperture on the left half, vessel columns 5 and 6. */
const inFov = (x: number): boolean => x < 20;
const gray = (f: (x: number, y: number) => number): Uint8Array => {
  const d = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) d[y * W + x] = f(x, y);
  return d;
};
const rgbOf = (g: Uint8Array): Uint8Array => {
  const d = new Uint8Array(3 * g.length);
  for (const [i, v] of g.entries()) d.set([v, Math.min(255, v + 20), v >> 1], 3 * i);
  return d;
};
const fundus = gray((x) => (inFov(x) ? 180 : 3));
const rater = (col: number) => gray((x) => (x === col ? 255 : 0));

function png(g: Uint8Array): Buffer {
  const p = new PNG({ width: W, height: H, colorType: 0 });
  for (const [i, v] of g.entries()) p.data.set([v, v, v, 255], 4 * i);
  return PNG.sync.write(p, { colorType: 0 });
}
function gif(g: Uint8Array, palette: [number, number]): Uint8Array {
  const buf = new Uint8Array(4096);
  const w = new GifWriter(buf, W, H, { palette });
  w.addFrame(
    0,
    0,
    W,
    H,
    g.map((v) => (v > 0 ? 1 : 0)),
  );
  return buf.subarray(0, w.end());
}
function rgba(rgb: Uint8Array): Uint8Array {
  const d = new Uint8Array((rgb.length / 3) * 4);
  for (let i = 0; i < rgb.length / 3; i++) d.set([rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2], 255], 4 * i);
  return d;
}

function makeDrive(root: string): void {
  for (const d of ['images', '1st_manual', '2nd_manual', 'mask']) mkdirSync(join(root, d), { recursive: true });
  for (const n of ['01', '02']) {
    writeFileSync(join(root, 'images', `${n}_test.tif`), new Uint8Array(UTIF.encodeImage(rgba(rgbOf(fundus)), W, H)));
    writeFileSync(join(root, '1st_manual', `${n}_manual1.gif`), gif(rater(5), [0x000000, 0xffffff]));
    writeFileSync(join(root, '2nd_manual', `${n}_manual2.gif`), gif(rater(6), [0x040204, 0xfcfefc])); // DRIVE's palette
    writeFileSync(
      join(root, 'mask', `${n}_test_mask.gif`),
      gif(
        gray((x) => (inFov(x) ? 255 : 0)),
        [0, 0xffffff],
      ),
    );
  }
}
function makeStare(root: string): void {
  for (const d of ['stare-images', 'labels-ah', 'labels-vk']) mkdirSync(join(root, d), { recursive: true });
  const ppm = (g: Uint8Array, rgb: boolean) => encodePnm({ width: W, height: H, channels: rgb ? 3 : 1, maxValue: 255, data: rgb ? rgbOf(g) : g });
  writeFileSync(join(root, 'stare-images', 'im0001.ppm'), ppm(fundus, true));
  writeFileSync(join(root, 'stare-images', 'im0002.ppm.gz'), gzipSync(ppm(fundus, true))); // as STARE ships them
  writeFileSync(join(root, 'stare-images', 'im0003.ppm'), ppm(fundus, true)); // unlabelled: ignored
  for (const n of ['0001', '0002']) {
    writeFileSync(join(root, 'labels-ah', `im${n}.ah.ppm`), ppm(rater(5), false));
    writeFileSync(join(root, 'labels-vk', `im${n}.vk.ppm`), ppm(rater(6), false));
  }
}
function makeChase(root: string): void {
  mkdirSync(root, { recursive: true });
  for (const name of ['Image_01L', 'Image_01R', 'Image_02L']) {
    writeFileSync(join(root, `${name}.jpg`), jpeg.encode({ width: W, height: H, data: rgba(rgbOf(fundus)) }, 95).data);
    writeFileSync(join(root, `${name}_1stHO.png`), png(rater(5)));
    writeFileSync(join(root, `${name}_2ndHO.png`), png(rater(6)));
  }
}
function makeAll(): string {
  const root = mkdtempSync(join(scratch, 'retina-'));
  makeDrive(join(root, 'DRIVE'));
  makeStare(join(root, 'STARE'));
  makeChase(join(root, 'CHASE_DB1'));
  return root;
}

test('patch offsets step by stride and end flush with the border', () => {
  assert.deepEqual(patchOffsets(565, 128, 64), [0, 64, 128, 192, 256, 320, 384, 437]);
  assert.deepEqual(patchOffsets(584, 128, 128), [0, 128, 256, 384, 456]);
  assert.deepEqual(patchOffsets(100, 128, 64), [0]);
});

test('retina fixtures: DRIVE, STARE, CHASE_DB1 detected, two raters, FOV-less patches skipped', async () => {
  const root = makeAll();
  const whole = await collect(root, { patchSize: 0 });
  assert.deepEqual(
    whole.map((i) => i.id),
    ['CHASE_DB1/Image_01L', 'CHASE_DB1/Image_01R', 'CHASE_DB1/Image_02L', 'DRIVE/01_test', 'DRIVE/02_test', 'STARE/im0001', 'STARE/im0002'],
  );
  assert.deepEqual([...new Set(whole.map((i) => i.patientId))], ['CHASE_DB1/01', 'CHASE_DB1/02', 'DRIVE/01', 'DRIVE/02', 'STARE/im0001', 'STARE/im0002']);
  for (const it of whole) {
    assert.deepEqual([it.raters, it.channels, it.height, it.width], [2, 1, H, W]);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        assert.equal(it.masks[y * W + x], x === 5 ? 1 : 0, `${it.id} rater 1 at ${x},${y}`);
        assert.equal(it.masks[W * H + y * W + x], x === 6 ? 1 : 0, `${it.id} rater 2 at ${x},${y}`);
        assert.equal(it.fov[y * W + x], inFov(x) ? 1 : 0, `${it.id} FOV at ${x},${y}`);
      }
    }
    assert.ok(Math.abs(it.image[0] - 200 / 255) < 0.03, `${it.id}: gray input is the green plane`);
  }
  // 10×10 patches, stride 10: a 4×3 grid per image, of which the right half lies outside the FOV.
  const patches = await collect(join(root, 'STARE'), { patchSize: 10, stride: 10 });
  assert.equal(patches.length, 2 * 6);
  assert.deepEqual(
    patches.slice(0, 2).map((p) => p.id),
    ['STARE/im0001/y0_x0', 'STARE/im0001/y0_x10'],
  );
  assert.equal(patches[0].masks[5], 1);
  const rgb = await collect(join(root, 'CHASE_DB1'), { patchSize: 16, grayscale: false, limit: 3 });
  assert.deepEqual(
    rgb.map((p) => [p.channels, p.image.length, p.fov.length]),
    Array(3).fill([3, 3 * 256, 256]),
  );
  const [half] = await collect(join(root, 'DRIVE'), { patchSize: 0, resizeHeight: 15, limit: 1 });
  assert.deepEqual([half.height, half.width], [15, 20]);
});

test('retina bad input: missing observer, unequal raters, wrong mask size, non-binary mask, no layout', async () => {
  const rejects = (dir: string, pattern: RegExp) => assert.rejects(collect(dir), (e: unknown) => e instanceof FlowsegInputError && pattern.test(e.message));
  const root = makeAll();
  rmSync(join(root, 'DRIVE', '2nd_manual', '02_manual2.gif'));
  await rejects(join(root, 'DRIVE'), /2nd_manual\/02_manual2\.gif is missing for .*02_test\.tif/);
  rmSync(join(root, 'DRIVE', '2nd_manual'), { recursive: true });
  await rejects(join(root, 'DRIVE'), /2nd_manual is missing; DRIVE has a second observer only for the test set/);
  rmSync(join(root, 'STARE', 'labels-vk', 'im0002.vk.ppm'));
  await rejects(join(root, 'STARE'), /labels-vk\/im0002\.vk\.ppm is missing .*unequal rater counts/);
  writeFileSync(join(root, 'CHASE_DB1', 'Image_02L_2ndHO.png'), PNG.sync.write(new PNG({ width: 8, height: 8 })));
  await rejects(join(root, 'CHASE_DB1'), /Image_02L_2ndHO\.png is 8×8, expected 40×30/);
  writeFileSync(join(root, 'CHASE_DB1', 'Image_02L_2ndHO.png'), png(gray(() => 128)));
  await rejects(join(root, 'CHASE_DB1'), /Image_02L_2ndHO\.png: mask value 128 .* is not binary/);
  writeFileSync(join(root, 'CHASE_DB1', 'Image_01L.jpg'), new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16]));
  await rejects(join(root, 'CHASE_DB1'), /Image_01L\.jpg: cannot decode JPEG/);
  await rejects(mkdtempSync(join(scratch, 'retina-none-')), /no retina layout found/);
});

test('retina on ../shared/data/retina/DRIVE: 20 images × 2 raters, 72 patches each', async (t) => {
  const shared = sharedDataDir();
  if (shared === undefined) return t.skip('../shared/data not present');
  const drive = join(shared, 'retina', 'DRIVE');
  const whole = await collect(drive, { patchSize: 0 });
  assert.equal(whole.length, 20);
  assert.equal(new Set(whole.map((i) => i.patientId)).size, 20);
  for (const it of whole) {
    assert.deepEqual([it.raters, it.channels, it.width, it.height], [2, 1, 565, 584]);
    const n = it.width * it.height;
    const sums = [0, 0, 0];
    for (let i = 0; i < n; i++) {
      sums[0] += it.masks[i];
      sums[1] += it.masks[n + i];
      sums[2] += it.fov[i];
    }
    // Vessels cover roughly 8–18% of the FOV for both observers; FOV ≈ 2/3 of the frame.
    for (const r of [0, 1]) assert.ok(sums[r] / sums[2] > 0.05 && sums[r] / sums[2] < 0.2, `${it.id} rater ${r}: ${sums[r] / sums[2]}`);
    assert.ok(sums[2] / n > 0.6 && sums[2] / n < 0.75, `${it.id} FOV fraction ${sums[2] / n}`);
  }
  // 128×128 patches at stride 64: 8 columns × 9 rows; DRIVE's FOV reaches into every corner tile.
  const patches = await collect(drive, {});
  assert.equal(patches.length, 20 * 72);
  assert.ok(patches.every((p) => p.height === 128 && p.width === 128 && p.masks.length === 2 * 128 * 128));
  const coarse = await collect(drive, { patchSize: 128, stride: 128 });
  assert.equal(coarse.length, 20 * 25);
});
