import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Dataset, DataItem } from '../data/types.js';
import { createModel, DEFAULT_MODEL_CONFIG } from '../models/index.js';
import { manualSeed, tensor } from '../tensor/index.js';
import { clipGradNorm } from './health.js';
import { foregroundRate, initOutputBias } from './outputPrior.js';

/** Items of 2 raters × 4×4 pixels; item k has `on[k]` foreground pixels per rater mask, and one 8×8 variant for the model test. */
function dataset(on: number[], side = 4): Dataset {
  const items: DataItem[] = on.map((n, k) => {
    const masks = new Uint8Array(2 * side * side);
    for (let r = 0; r < 2; r++) for (let i = 0; i < n; i++) masks[r * side * side + i] = 1;
    return { id: `i${k}`, patientId: `p${k}`, channels: 1, height: side, width: side, image: new Float32Array(side * side).fill(0.5), raters: 2, masks };
  });
  return {
    shape: { items: items.length, patients: items.length, channels: 1, raters: 2, height: side, width: side },
    ids: items.map((x) => x.id),
    patientIds: items.map((x) => x.patientId),
    get: (i) => items[i] as DataItem,
  };
}

test('foregroundRate: the mean of every rater mask over the given items (hand-computed)', () => {
  const d = dataset([1, 4, 16]);
  // items 0 and 1: (1 + 4) on-pixels per rater out of 16 → 10 / 64
  assert.equal(foregroundRate(d, [0, 1]), 10 / 64);
  assert.equal(foregroundRate(d, [2]), 1);
  assert.equal(foregroundRate(d, []), 0.5);
});

test('initOutputBias: the bias becomes logit(π), clamped for empty masks; the first gradients shrink on sparse masks', () => {
  manualSeed(3);
  const config = { ...DEFAULT_MODEL_CONFIG, filters: [4, 8], latent: 2, flow: 'planar' as const, flowSteps: 2 };
  const model = createModel(config);
  assert.ok(Math.abs(initOutputBias(model, 0.2) - Math.log(0.25)) < 1e-12);
  assert.ok(Math.abs((model.outputBias().toFloat32Array()[0] as number) - Math.log(0.25)) < 1e-6);
  assert.ok(Number.isFinite(initOutputBias(model, 0)), 'all-empty masks: a finite logit');
  model.dispose();

  // 1% foreground on 32×32: a p = 0.5 start gives large gradients everywhere; logit(π) does not.
  const side = 32;
  const masks = new Float32Array(side * side);
  for (let i = 0; i < 10; i++) masks[i] = 1;
  const firstGradNorm = (init: boolean): number => {
    manualSeed(5);
    const m = createModel(config);
    if (init) initOutputBias(m, 10 / (side * side));
    const images = tensor(new Float32Array(side * side).fill(0.5), [1, 1, side, side]);
    const y = tensor(masks, [1, 1, side, side]);
    m.loss(images, y).loss.backward();
    const norm = clipGradNorm(m.parameters(), null);
    m.dispose();
    return norm;
  };
  const random = firstGradNorm(false);
  const foreground = firstGradNorm(true);
  assert.ok(foreground < random / 5, `first gradient norm ${foreground} (foreground init) vs ${random} (random init)`);
});
