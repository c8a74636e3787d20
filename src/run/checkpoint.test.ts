import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_MODEL_CONFIG } from '../models/config.js';
import { createModel } from '../models/create.js';
import { loadRawSafetensors, saveRawSafetensors, type RawTensor } from '../tensor/safetensors.js';
import { DEFAULT_TRAIN } from '../train/config.js';
import { FlowsegInputError } from '../util/errors.js';
import { freshTrainState, saveCheckpoint } from './checkpoint.js';
import type { TrainConfig } from './config.js';
import { loadTrainedModel } from './loadModel.js';

const modelConfig = { ...DEFAULT_MODEL_CONFIG, filters: [4, 8], latent: 2 };
const config: TrainConfig = { ...DEFAULT_TRAIN, data: 'synthetic', modelConfig, variant: 'probunet', inputShape: [1, 16, 16] };
const state = freshTrainState();

test('a checkpoint round-trips; a parameter stored as I32 or a config of the wrong type is a one-line input error', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fs-ckpt-'));
  const path = join(dir, 'checkpoint-best.safetensors');
  const model = createModel(modelConfig);
  saveCheckpoint(path, model, null, config, state);
  const loaded = loadTrainedModel(path);
  assert.deepEqual(loaded.model.parameters()[0]?.toFloat32Array(), model.parameters()[0]?.toFloat32Array());
  loaded.model.dispose();
  model.dispose();

  const raw = loadRawSafetensors(path);
  const name = 'fcomb.last.bias';
  const asInt: RawTensor = { dtype: 'int32', shape: raw.tensors.get(name)?.shape ?? [1], data: new Int32Array(1) };
  const ints = new Map(raw.tensors);
  ints.set(name, asInt);
  const bad = join(dir, 'int.safetensors');
  saveRawSafetensors(bad, ints, raw.metadata);
  assert.throws(
    () => loadTrainedModel(bad),
    (e: Error) => e instanceof FlowsegInputError && /fcomb\.last\.bias is stored as int32 but the model expects float32/.test(e.message),
  );

  const cfg = JSON.parse(raw.metadata.config as string);
  cfg.batchSize = 'eight';
  const typo = join(dir, 'cfg.safetensors');
  saveRawSafetensors(typo, raw.tensors, { ...raw.metadata, config: JSON.stringify(cfg) });
  assert.throws(() => loadTrainedModel(typo), /cfg\.safetensors \(config\): batchSize: Expected number, received string/);
});
