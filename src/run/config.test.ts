import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_MODEL_CONFIG } from '../models/config.js';
import { DEFAULT_TRAIN } from '../train/config.js';
import { parseTrainConfig, readRunConfig, trainConfigSchema, writeRunConfig, type TrainConfig } from './config.js';
import { splitDataset, splitPlanSchema } from '../data/splits.js';

const config: TrainConfig = {
  ...DEFAULT_TRAIN,
  data: 'synthetic',
  modelConfig: { ...DEFAULT_MODEL_CONFIG },
  variant: 'probunet',
  split: { kind: 'kfold', fold: 2, folds: 10 },
};

test('config.json round-trips one shape (the TrainConfig plus fold and budget)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fs-cfg-'));
  const file = join(dir, 'config.json');
  writeRunConfig(file, config, { preset: 'p', samples: 8 });
  const back = readRunConfig(file);
  assert.equal(back.fold, 2);
  assert.deepEqual(back.budget, { maxEpochs: 200, maxSteps: null, maxMinutes: null });
  assert.equal(back.preset, 'p');
  assert.deepEqual(back.modelConfig, config.modelConfig);
  const raw = JSON.parse(readFileSync(file, 'utf8'));
  raw.modelConfig.filters = 'wide';
  writeFileSync(file, JSON.stringify(raw));
  assert.throws(() => readRunConfig(file), /config\.json: modelConfig\.filters: Expected array, received string; the run's config is damaged/);
});

test('configs of older runs (without the newer keys) read with defaults', () => {
  const { valEverySteps, gradClip, ...old } = config;
  const parsed = parseTrainConfig(old, 'x');
  assert.equal(parsed.valEverySteps, null);
  assert.equal(parsed.gradClip, null);
  assert.equal(valEverySteps, null);
  assert.equal(gradClip, null);
});

test("the run's split settings are data/splits.ts's SplitPlan schema, so a parsed config is a SplitPlan", () => {
  for (const k of ['split', 'seed', 'valFraction'] as const) assert.equal(trainConfigSchema.shape[k], splitPlanSchema.shape[k], k);
  const parsed = parseTrainConfig({ ...config, split: { kind: 'fractions', train: 0.5, val: 0.25, test: 0.25 } }, 'x');
  const ids = Array.from({ length: 8 }, (_, i) => `s${i}`);
  const parts = splitDataset({ ids, patientIds: ids.map((_, i) => `p${i}`) }, parsed);
  assert.deepEqual([parts.train.length, parts.val.length, parts.test.length], [4, 2, 2]);
  assert.throws(
    () => parseTrainConfig({ ...config, split: { kind: 'kfold', fold: 0, folds: 1 } }, 'x'),
    /x: split\.folds: Number must be greater than or equal to 2/,
  );
});
