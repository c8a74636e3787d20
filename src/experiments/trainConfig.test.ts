import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILTIN_PRESETS, type Preset } from './presets.js';
import { buildTrainConfig, presetLayer, readConfigLayer } from './trainConfig.js';

test('layers apply in order: defaults ← preset ← config file ← flags; the variant follows the model', () => {
  const preset = BUILTIN_PRESETS.valiuddin2021 as Preset;
  const v = preset.variants[1]!; // probunet+planar2
  const dir = mkdtempSync(join(tmpdir(), 'fs-layers-'));
  const file = join(dir, 'c.yaml');
  writeFileSync(file, 'lr: 0.0005\nbatchSize: 12\nmodelConfig:\n  filters: [8, 16]\n');
  const c = buildTrainConfig({ data: 'd', preset: presetLayer(preset, v, 3), file: readConfigLayer(file), flags: { batchSize: 4, maxMinutes: 5 } });
  assert.equal(c.variant, 'probunet+planar2');
  assert.deepEqual(c.split, { kind: 'kfold', fold: 3, folds: 10 });
  assert.equal(c.lr, 0.0005); // file over preset
  assert.equal(c.batchSize, 4); // flags over file
  assert.deepEqual(c.modelConfig.filters, [8, 16]);
  assert.equal(c.modelConfig.flow, 'planar');
  assert.equal(c.patience, 20); // preset
  assert.equal(c.maxMinutes, 5);
  assert.equal(c.weightDecay, 1e-5); // default
  const renamed = buildTrainConfig({ data: 'd', preset: presetLayer(preset, v, 0), flags: { modelConfig: { flow: 'radial', flowSteps: 4 } } });
  assert.equal(renamed.variant, 'probunet+radial4');
});

test('bad layers are one-line errors naming the key', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fs-layers-'));
  const file = join(dir, 'c.json');
  writeFileSync(file, '{"lr": "fast"}');
  assert.throws(() => readConfigLayer(file), /--config .*c\.json: lr: Expected number, received string/);
  writeFileSync(file, '{"learningRate": 1}');
  assert.throws(() => readConfigLayer(file), /learningRate: unknown key/);
  assert.throws(() => buildTrainConfig({ data: 'd', flags: { batchSize: 0 } }), /training config: batchSize: Number must be greater than 0/);
});

test('profiles sit between the defaults and the preset, and are recorded', () => {
  const cpu = buildTrainConfig({ data: 'd', profile: 'cpu' });
  assert.equal(cpu.profile, 'cpu');
  assert.equal(cpu.batchSize, 8);
  assert.equal(cpu.valEverySteps, 250);
  const paper = buildTrainConfig({ data: 'd', profile: 'paper', flags: { batchSize: 12 } });
  assert.equal(paper.profile, 'paper');
  assert.equal(paper.maxValImages, null);
  assert.equal(paper.batchSize, 12, 'flags win over the profile');
  const preset = BUILTIN_PRESETS.valiuddin2021 as Preset;
  const job = buildTrainConfig({ data: 'd', profile: 'cpu', preset: presetLayer(preset, preset.variants[0]!, 0) });
  assert.equal(job.batchSize, 96, 'a preset wins over the profile');
  assert.equal(buildTrainConfig({ data: 'd' }).profile, null);
});
