// Every model folder under the repository's models/ (not FLOWSEG_MODELS_DIR): a valid card that
// names its folder, card.md, a model.onnx of at most 10 MB whose flowseg metadata (variant, input
// shape, weights) is what the card says. Passes with a note while no model is shipped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../util/paths.js';
import { readOnnxMetadata } from '../export/onnxMetadata.js';
import { parseMetadata } from '../export/metadata.js';
import { listShippedModels } from './registry.js';

const MAX_MODEL_BYTES = 10e6;

test('shipped models: card ↔ model.onnx metadata, ≤ 10 MB each', (t) => {
  const models = listShippedModels(join(packageRoot(), 'models'));
  if (models.length === 0) t.diagnostic('no models shipped in models/ yet');
  for (const m of models) {
    const meta = parseMetadata(readOnnxMetadata(readFileSync(m.onnx), m.onnx), m.onnx);
    t.diagnostic(`${m.name}: ${(m.bytes / 1e6).toFixed(2)} MB, ${meta.variant}, ${meta.weights} weights, test ${JSON.stringify(m.card.testMetrics)}`);
    assert.ok(m.bytes <= MAX_MODEL_BYTES, `${m.name}: model.onnx is ${m.bytes} bytes; at most 10 MB ship (export with --fp16)`);
    assert.equal(meta.variant, m.card.variant, `${m.name}: card variant`);
    assert.deepEqual(meta.inputShape, m.card.inputShape, `${m.name}: card inputShape`);
    assert.equal(meta.weights, m.card.weights, `${m.name}: card weights`);
    assert.ok(readFileSync(m.cardText, 'utf8').trim().length > 0, `${m.name}: card.md is empty`);
  }
});
