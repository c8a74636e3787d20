// Click to segment on a volume with flowseg/web (onnxruntime-web's Node build): the crop is the
// scan core's, the pasted maps sit exactly on the window, and the NIfTI files carry the slice's
// affine in RAS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'fflate';
import * as nifti from 'nifti-reader-js';
import { DEFAULT_MODEL_CONFIG, ProbUNet } from '../models/index.js';
import { manualSeed } from '../tensor/index.js';
import { modelToOnnx } from '../export/exportOnnx.js';
import { calibrateModel } from '../testing/tinyRun.js';
import { clickCrop, type ScanVolume } from '../scan/index.js';
import { FlowsegInputError } from '../util/errors.js';
import { WebSampler } from './sampler.js';
import { sampleAt, scanSamplesToNifti } from './scanSampler.js';

const S = 32;

/** A 3-slice CT-like volume in LPS: air, a body, a 5-voxel nodule at (150, 40) of slice 1. */
function volume(): ScanVolume {
  const nx = 180;
  const ny = 120;
  const nz = 3;
  const voxels = new Float32Array(nx * ny * nz).fill(-1000);
  for (let k = 0; k < nz; k++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++) {
        const body = (x - 90) ** 2 / 80 ** 2 + (y - 60) ** 2 / 50 ** 2 < 1;
        const nodule = k === 1 && (x - 150) ** 2 + (y - 40) ** 2 < 25;
        voxels[k * nx * ny + y * nx + x] = nodule ? 30 : body ? -850 + ((x * 7 + y * 3) % 40) : -1000;
      }
  return {
    voxels,
    nx,
    ny,
    nz,
    spacing: [0.7, 0.7, 2.5],
    affine: [0.7, 0, 0, -60, 0, 0.7, 0, -40, 0, 0, 2.5, 100, 0, 0, 0, 1],
    frame: 'LPS',
    modality: 'CT',
    units: 'HU',
    description: 'synthetic CT',
    sources: ['a', 'b', 'c'],
  };
}

test('sampleAt: crop of the scan core, maps pasted on the window, NIfTI with the slice affine in RAS', async () => {
  const v = volume();
  manualSeed(5);
  const model = new ProbUNet({ ...DEFAULT_MODEL_CONFIG, filters: [4, 8], latent: 2 });
  const at = { x: 150, y: 40, k: 1 };
  calibrateModel(model, clickCrop(v, at, S).input, [1, S, S], 1);
  const bytes = modelToOnnx(model, [1, S, S]).bytes;
  model.dispose();
  const dir = mkdtempSync(join(tmpdir(), 'fs-webscan-'));
  const sampler = await WebSampler.load(bytes, { ort: await import('onnxruntime-web'), backend: 'wasm' });
  try {
    const r = await sampleAt(sampler, v, at, { n: 8, seed: 2 });
    assert.deepEqual(r.crop.window, { x0: 134, y0: 24, size: S });
    assert.deepEqual(r.crop.input, clickCrop(v, at, S).input, 'the model input is the scan core’s');
    const direct = await sampler.sample(r.crop.input, { n: 8, seed: 2 });
    assert.deepEqual(r.samples.masks, direct.masks);
    assert.equal(r.masks.length, 8);
    // Pasted: inside the window equal to the crop maps, outside zero.
    let inside = 0;
    for (let y = 0; y < v.ny; y++)
      for (let x = 0; x < v.nx; x++) {
        const cx = x - 134;
        const cy = y - 24;
        const inWindow = cx >= 0 && cx < S && cy >= 0 && cy < S;
        const p = r.mean[y * v.nx + x] as number;
        if (inWindow) {
          assert.equal(p, r.samples.mean[cy * S + cx]);
          assert.equal(r.masks[3]?.[y * v.nx + x], r.samples.masks[3]?.[cy * S + cx]);
          inside++;
        } else {
          assert.equal(p, 0);
          assert.equal(r.std[y * v.nx + x], 0);
        }
      }
    assert.equal(inside, S * S);
    assert.ok(
      r.masks.some((m) => m.some((x) => x === 1)),
      'some foreground',
    );

    // NIfTI: the slice grid and the affine of slice 1 in RAS (LPS flipped in x and y).
    const files = scanSamplesToNifti(r);
    assert.deepEqual(Object.keys(files).slice(0, 3), ['labels.nii.gz', 'sample-00.nii.gz', 'sample-01.nii.gz']);
    const labelsRaw = gunzipSync(files['labels.nii.gz'] as Uint8Array).buffer as ArrayBuffer;
    const majority = new Uint8Array(nifti.readImage(nifti.readHeader(labelsRaw), labelsRaw));
    // more than half of the 8 samples: 5 or more
    for (let i = 0; i < majority.length; i++) assert.equal(majority[i], r.masks.filter((m) => m[i] === 1).length >= 5 ? 1 : 0);
    const raw = gunzipSync(files['mean.nii.gz'] as Uint8Array);
    const hdr = nifti.readHeader(raw.buffer as ArrayBuffer) as nifti.NIFTI1;
    assert.deepEqual(hdr.dims.slice(0, 4), [3, 180, 120, 1]);
    const srow = hdr.affine
      .slice(0, 3)
      .flat()
      .map((x) => Math.round(x * 1e4) / 1e4 + 0); // + 0: −0 → 0
    assert.deepEqual(srow, [-0.7, 0, 0, 60, 0, -0.7, 0, 40, 0, 0, 2.5, 102.5]);
    const data = new Float32Array(nifti.readImage(hdr, raw.buffer as ArrayBuffer));
    assert.deepEqual(data, r.mean);
    const label = new Uint8Array(nifti.readImage(hdr, gunzipSync(files['sample-03.nii.gz'] as Uint8Array).buffer as ArrayBuffer));
    assert.deepEqual(label, r.masks[3]);

    await assert.rejects(
      sampleAt(sampler, v, { x: 500, y: 40, k: 1 }),
      (e: Error) => e instanceof FlowsegInputError && /outside the 180×120 image/.test(e.message),
    );
  } finally {
    await sampler.release();
    rmSync(dir, { recursive: true, force: true });
  }
});
