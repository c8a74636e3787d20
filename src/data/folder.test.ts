import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { PNG } from 'pngjs';
import { FlowsegInputError } from '../util/errors.js';
import type { ReaderOptions } from './types.js';
import { readFolder } from './folder.js';
import type { DataItem } from './types.js';

/** Every fixture of this file lives under one temp folder, removed when the tests end. */
const scratch = mkdtempSync(join(tmpdir(), 'flowseg-folder-test-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const collect = async (input: string, options: ReaderOptions = {}): Promise<DataItem[]> => {
  const out: DataItem[] = [];
  for await (const it of readFolder(input, options)) out.push(it);
  return out;
};

/** 8-bit gray PNG from `[H, W]` values. */
function png(w: number, h: number, f: (x: number, y: number) => number): Buffer {
  const p = new PNG({ width: w, height: h, colorType: 0 });
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = f(x, y);
      p.data.set([v, v, v, 255], 4 * (y * w + x));
    }
  }
  return PNG.sync.write(p, { colorType: 0 });
}

/** Minimal NIfTI-1 single file (`n+1`), float32 or uint8, x fastest. */
function nifti(dims: [number, number, number], values: number[], type: 'f4' | 'u1' = 'f4', slope = 0): Uint8Array {
  const [nx, ny, nz] = dims;
  const bytesPer = type === 'f4' ? 4 : 1;
  const buf = new ArrayBuffer(352 + values.length * bytesPer);
  const v = new DataView(buf);
  v.setInt32(0, 348, true);
  for (const [i, d] of [nz > 1 ? 3 : 2, nx, ny, nz, 1, 1, 1, 1].entries()) v.setInt16(40 + 2 * i, d, true);
  v.setInt16(70, type === 'f4' ? 16 : 2, true); // datatype FLOAT32 / UINT8
  v.setInt16(72, bytesPer * 8, true);
  for (let i = 0; i < 8; i++) v.setFloat32(76 + 4 * i, 1, true);
  v.setFloat32(108, 352, true);
  v.setFloat32(112, slope, true);
  new Uint8Array(buf).set([0x6e, 0x2b, 0x31, 0], 344); // "n+1\0"
  for (const [i, x] of values.entries()) {
    if (type === 'f4') v.setFloat32(352 + 4 * i, x, true);
    else v.setUint8(352 + i, x);
  }
  return new Uint8Array(buf);
}

/** Two 2D PNG cases (2 channels, 3 raters) — rater r marks column r. */
function pngFolder(): string {
  const root = mkdtempSync(join(scratch, 'folder-'));
  mkdirSync(join(root, 'imagesTr'));
  mkdirSync(join(root, 'labelsTr'));
  const spec = { name: 'toy', channel_names: { 0: 'T1', 1: 'T2' }, raters: 3, patients: { case_b: 'P1', case_a: 'P1' } };
  writeFileSync(join(root, 'dataset.json'), JSON.stringify(spec));
  for (const c of ['case_a', 'case_b']) {
    writeFileSync(
      join(root, 'imagesTr', `${c}_0000.png`),
      png(6, 4, (x) => 10 * x),
    );
    writeFileSync(
      join(root, 'imagesTr', `${c}_0001.png`),
      png(6, 4, () => 255),
    );
    for (let r = 0; r < 3; r++)
      writeFileSync(
        join(root, 'labelsTr', `${c}_rater${r}.png`),
        png(6, 4, (x) => (x === r ? 255 : 0)),
      );
  }
  return root;
}

test('folder of PNGs: channels stacked, raters stacked, patients mapped, --size resizes', async () => {
  const items = await collect(pngFolder());
  assert.deepEqual(
    items.map((i) => [i.id, i.patientId, i.channels, i.raters, i.height, i.width]),
    [
      ['case_a', 'P1', 2, 3, 4, 6],
      ['case_b', 'P1', 2, 3, 4, 6],
    ],
  );
  const it = items[0];
  assert.ok(Math.abs(it.image[3] - 30 / 255) < 1e-6); // channel 0 at x = 3
  assert.equal(it.image[24 + 5], 1); // channel 1 is full scale
  for (let r = 0; r < 3; r++)
    assert.deepEqual(
      [...it.masks.subarray(r * 24, r * 24 + 6)],
      [0, 1, 2, 3, 4, 5].map((x) => (x === r ? 1 : 0)),
    );
  const small = await collect(pngFolder(), { size: 2, limit: 1 });
  assert.deepEqual([small.length, small[0].height, small[0].width, small[0].masks.length], [1, 2, 2, 3 * 4]);
});

test('folder of NIfTI: a 3D volume becomes axial slices, .nii.gz and scl_slope honoured', async () => {
  const root = mkdtempSync(join(scratch, 'folder-nii-'));
  mkdirSync(join(root, 'imagesTr'));
  mkdirSync(join(root, 'labelsTr'));
  writeFileSync(join(root, 'dataset.json'), JSON.stringify({ name: 'vol', modalities: { 0: 'CT' }, raters: 2, file_ending: '.nii.gz' }));
  const [nx, ny, nz] = [3, 2, 4];
  const voxels = Array.from({ length: nx * ny * nz }, (_, i) => i); // value = x + 3 y + 6 z
  writeFileSync(join(root, 'imagesTr', 'lung_0000.nii.gz'), gzipSync(nifti([nx, ny, nz], voxels, 'f4', 0.5)));
  writeFileSync(
    join(root, 'labelsTr', 'lung_rater0.nii.gz'),
    gzipSync(
      nifti(
        [nx, ny, nz],
        voxels.map((v) => (v % 6 === 0 ? 1 : 0)),
        'u1',
      ),
    ),
  );
  writeFileSync(
    join(root, 'labelsTr', 'lung_rater1.nii.gz'),
    gzipSync(
      nifti(
        [nx, ny, nz],
        voxels.map(() => 0),
        'u1',
      ),
    ),
  );
  writeFileSync(join(root, 'labelsTr', 'ignored_rater0.nii'), nifti([nx, ny, 1], [0, 0, 0, 0, 0, 0], 'u1')); // wrong ending
  const items = await collect(root);
  assert.deepEqual(
    items.map((i) => [i.id, i.patientId, i.height, i.width]),
    [0, 1, 2, 3].map((z) => [`lung/slice-${z}`, 'lung', 2, 3]),
  );
  assert.deepEqual(
    [...items[2].image],
    [12, 13, 14, 15, 16, 17].map((v) => v * 0.5),
  );
  assert.deepEqual([...items[2].masks], [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
});

test('folder bad input: each error names the file or key and the fix', async () => {
  const rejects = (dir: string, pattern: RegExp) => assert.rejects(collect(dir), (e: unknown) => e instanceof FlowsegInputError && pattern.test(e.message));
  const spec = (root: string, patch: Record<string, unknown>) => {
    const file = join(root, 'dataset.json');
    writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), ...patch }));
  };
  let root = pngFolder();
  spec(root, { raters: 'three' });
  await rejects(root, /dataset\.json: key "raters": Expected number, received string/);
  root = pngFolder();
  spec(root, { channel_names: undefined });
  await rejects(root, /key "channel_names" \(or v1 "modality"\) is missing/);
  root = pngFolder();
  spec(root, { channel_names: { 0: 'T1', 2: 'T2' } });
  await rejects(root, /key "channel_names" must number channels 0, 1, … without gaps/);
  root = pngFolder();
  rmSync(join(root, 'labelsTr', 'case_b_rater2.png'));
  await rejects(root, /case_b_rater2\.\*: missing rater 2 of case "case_b" \(dataset\.json says raters: 3\)/);
  root = pngFolder();
  writeFileSync(
    join(root, 'labelsTr', 'case_a_rater3.png'),
    png(6, 4, () => 0),
  );
  await rejects(root, /case "case_a" has 4 rater files but dataset\.json says raters: 3; unequal rater counts/);
  root = pngFolder();
  rmSync(join(root, 'labelsTr'), { recursive: true });
  await rejects(root, /labelsTr is missing/);
  root = pngFolder();
  writeFileSync(
    join(root, 'labelsTr', 'case_a_rater1.png'),
    png(6, 4, (x) => (x === 1 ? 2 : 0)),
  );
  await rejects(root, /case_a_rater1\.png: label value 2 at \(1, 0\) is not binary/);
  root = pngFolder();
  writeFileSync(
    join(root, 'imagesTr', 'case_b_0000.png'),
    png(5, 4, () => 0),
  );
  await rejects(root, /case_b_0001\.png is 6×4×1, expected 5×4×1 like .*case_b_0000\.png/);
  root = pngFolder();
  for (const c of ['0000', '0001'])
    writeFileSync(
      join(root, 'imagesTr', `case_b_${c}.png`),
      png(5, 4, () => 0),
    );
  for (let r = 0; r < 3; r++)
    writeFileSync(
      join(root, 'labelsTr', `case_b_rater${r}.png`),
      png(5, 4, () => 0),
    );
  await rejects(root, /case_b_0000\.png is 5×4, expected 6×4 like .*case_a_0000\.png; resize it or pass --size/);
  root = pngFolder();
  const bytes = readFileSync(join(root, 'imagesTr', 'case_a_0001.png'));
  writeFileSync(join(root, 'imagesTr', 'case_a_0001.png'), bytes.subarray(0, bytes.length - 30));
  await rejects(root, /case_a_0001\.png: cannot decode PNG .*corrupt or truncated/);
  root = pngFolder();
  for (const f of ['case_a_0000.png', 'case_a_0001.png']) rmSync(join(root, 'imagesTr', f));
  await rejects(root, /labels for case "case_a" without images/);
  for (const f of ['case_b_0000.png', 'case_b_0001.png']) rmSync(join(root, 'imagesTr', f));
  for (const c of ['case_a', 'case_b']) for (let r = 0; r < 3; r++) rmSync(join(root, 'labelsTr', `${c}_rater${r}.png`));
  await rejects(root, /imagesTr: no <case>_0000\.png\|\.nii\|\.nii\.gz files; the dataset is empty/);
  await rejects(mkdtempSync(join(scratch, 'folder-none-')), /dataset\.json is missing/);
});

/** A plain nnU-Net v2 dataset: no flowseg keys, one label `<case>.png` per case. */
function nnunetPngFolder(): string {
  const root = mkdtempSync(join(scratch, 'nnunet-png-'));
  mkdirSync(join(root, 'imagesTr'));
  mkdirSync(join(root, 'labelsTr'));
  mkdirSync(join(root, 'imagesTs')); // test images without labels: ignored
  const spec = { channel_names: { 0: 'CT' }, labels: { background: 0, lesion: 1 }, numTraining: 2, file_ending: '.png' };
  writeFileSync(join(root, 'dataset.json'), JSON.stringify(spec));
  for (const [k, c] of ['lung_001', 'lung_002'].entries()) {
    writeFileSync(
      join(root, 'imagesTr', `${c}_0000.png`),
      png(5, 3, (x, y) => 50 * k + x + 10 * y),
    );
    writeFileSync(
      join(root, 'labelsTr', `${c}.png`),
      png(5, 3, (x, y) => (x === y + k ? 1 : 0)),
    ); // nnU-Net stores 0/1
  }
  writeFileSync(
    join(root, 'imagesTs', 'lung_009_0000.png'),
    png(5, 3, () => 0),
  );
  return root;
}

test('plain nnU-Net v2 PNG dataset (no "raters"): one rater per case from labelsTr/<case>.png', async () => {
  const items = await collect(nnunetPngFolder());
  assert.deepEqual(
    items.map((i) => [i.id, i.patientId, i.channels, i.raters, i.height, i.width]),
    [
      ['lung_001', 'lung_001', 1, 1, 3, 5],
      ['lung_002', 'lung_002', 1, 1, 3, 5],
    ],
  );
  assert.ok(Math.abs(items[1].image[5 + 2] - (50 + 2 + 10) / 255) < 1e-6); // (x 2, y 1) of case 2
  assert.deepEqual([...items[1].masks], [0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0]);
});

test('plain nnU-Net v1-style NIfTI dataset ("modality", v1 labels, "training" list): 3D volume → one-rater slices', async () => {
  const root = mkdtempSync(join(scratch, 'nnunet-nii-'));
  mkdirSync(join(root, 'imagesTr'));
  mkdirSync(join(root, 'labelsTr'));
  const spec = {
    name: 'Task01',
    modality: { 0: 'MRI' },
    labels: { 0: 'background', 1: 'tumour' },
    numTraining: 1,
    training: [{ image: './imagesTr/brain_003.nii.gz', label: './labelsTr/brain_003.nii.gz' }],
  };
  writeFileSync(join(root, 'dataset.json'), JSON.stringify(spec));
  const [nx, ny, nz] = [2, 2, 3];
  const voxels = Array.from({ length: nx * ny * nz }, (_, i) => i);
  writeFileSync(join(root, 'imagesTr', 'brain_003_0000.nii.gz'), gzipSync(nifti([nx, ny, nz], voxels)));
  writeFileSync(
    join(root, 'labelsTr', 'brain_003.nii.gz'),
    gzipSync(
      nifti(
        [nx, ny, nz],
        voxels.map((v) => (v % 4 === 3 ? 1 : 0)),
        'u1',
      ),
    ),
  );
  const items = await collect(root);
  assert.deepEqual(
    items.map((i) => [i.id, i.patientId, i.raters]),
    [0, 1, 2].map((z) => [`brain_003/slice-${z}`, 'brain_003', 1]),
  );
  assert.deepEqual([...items[1].image], [4, 5, 6, 7]);
  assert.deepEqual([...items[1].masks], [0, 0, 0, 1]);
});

test('plain nnU-Net dataset bad input: multi-class labels, regions, missing label, rater files without "raters"', async () => {
  const rejects = (dir: string, pattern: RegExp) => assert.rejects(collect(dir), (e: unknown) => e instanceof FlowsegInputError && pattern.test(e.message));
  const withSpec = (patch: Record<string, unknown>): string => {
    const root = nnunetPngFolder();
    const file = join(root, 'dataset.json');
    writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), ...patch }));
    return root;
  };
  await rejects(withSpec({ labels: { background: 0, liver: 1, tumour: 2 } }), /dataset\.json: key "labels" names 2 foreground classes \(liver, tumour\)/);
  await rejects(withSpec({ labels: { background: 0, whole: [1, 2] } }), /dataset\.json: key "labels\.whole" is a region/);
  let root = nnunetPngFolder();
  rmSync(join(root, 'labelsTr', 'lung_002.png'));
  await rejects(root, /labelsTr\/lung_002\.\*: missing label of case "lung_002" \(nnU-Net layout: one label per case\)/);
  root = nnunetPngFolder();
  writeFileSync(
    join(root, 'labelsTr', 'lung_001_rater1.png'),
    png(5, 3, () => 0),
  );
  await rejects(root, /labels for case "lung_001_rater1" without images in imagesTr\/; dataset\.json has no "raters" key/);
  root = nnunetPngFolder();
  writeFileSync(
    join(root, 'labelsTr', 'lung_001.png'),
    png(5, 3, (x) => (x === 0 ? 2 : 0)),
  );
  await rejects(root, /lung_001\.png: label value 2 at \(0, 0\) is not binary/);
});

test('nnU-Net natural RGB images: one <case>_0000.png stands for channels R, G, B', async () => {
  const root = mkdtempSync(join(scratch, 'nnunet-rgb-'));
  mkdirSync(join(root, 'imagesTr'));
  mkdirSync(join(root, 'labelsTr'));
  writeFileSync(
    join(root, 'dataset.json'),
    JSON.stringify({ channel_names: { 0: 'R', 1: 'G', 2: 'B' }, labels: { background: 0, road: 1 }, file_ending: '.png' }),
  );
  const rgb = new PNG({ width: 2, height: 1, colorType: 2 });
  rgb.data.set([255, 0, 51, 255, 0, 102, 204, 255]); // pixels (255, 0, 51) and (0, 102, 204)
  writeFileSync(join(root, 'imagesTr', 'road_0000.png'), PNG.sync.write(rgb, { colorType: 2 }));
  writeFileSync(
    join(root, 'labelsTr', 'road.png'),
    png(2, 1, (x) => x),
  );
  const [item] = await collect(root);
  assert.deepEqual([item.channels, item.raters, [...item.masks]], [3, 1, [0, 1]]);
  assert.deepEqual(
    [...item.image].map((v) => Math.round(v * 255)),
    [255, 0, 0, 102, 51, 204],
  ); // [C, H, W]
  writeFileSync(
    join(root, 'imagesTr', 'road_0000.png'),
    png(2, 1, () => 9),
  );
  await assert.rejects(collect(root), /road_0000\.png is gray, but dataset\.json names 3 channels and the case has no _0001\/_0002 files/);
});
