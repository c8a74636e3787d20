import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { GraphBuilder } from './onnxGraph.js';
import { readOnnxMetadata } from './onnxMetadata.js';
import { FlowsegInputError } from '../util/errors.js';
import { packageRoot } from '../util/paths.js';

/** The reference: decode the whole model with onnx-proto and read its metadata_props. */
function decodeWithOnnxProto(bytes: Uint8Array): Record<string, string> {
  const model = onnxProto.onnx.ModelProto.decode(bytes);
  return Object.fromEntries(model.metadataProps.map((p) => [p.key, p.value]));
}

/** A small model with weights, so the graph field precedes metadata_props on the wire. */
function model(metadata: Record<string, string>): Uint8Array {
  const g = new GraphBuilder();
  const x = g.input('image', [1, 1, 4, 4]);
  const w = g.floats(
    'w',
    Float32Array.from({ length: 16 }, (_, i) => Math.sin(i)),
    [1, 1, 4, 4],
  );
  g.output(g.op('Mul', [x, w]), 'probs', [1, 1, 4, 4]);
  return g.encode('tiny', metadata, '0.0.0-test');
}

test('readOnnxMetadata reads the same metadata_props as decoding the whole model with onnx-proto', () => {
  const meta = { 'flowseg.variant': 'probunet+planar2', 'flowseg.latent': '6', 'flowseg.note': 'σ → ∞, ünïcode', empty: '' };
  const bytes = model(meta);
  assert.deepEqual(readOnnxMetadata(bytes), meta);
  assert.deepEqual(readOnnxMetadata(bytes), decodeWithOnnxProto(bytes));
  assert.deepEqual(readOnnxMetadata(model({})), {});
});

test('readOnnxMetadata agrees with onnx-proto on the shipped models', (t) => {
  const dir = join(packageRoot(), 'models');
  const files = existsSync(dir) ? ['lidc-nodule-planar2', 'lidc-nodule-punet'].map((m) => join(dir, m, 'model.onnx')).filter(existsSync) : [];
  if (!files.length) return t.skip('no shipped model in models/');
  for (const f of files) {
    const bytes = readFileSync(f);
    const props = readOnnxMetadata(bytes, f);
    assert.ok(Object.keys(props).length > 0);
    assert.deepEqual(props, decodeWithOnnxProto(bytes));
  }
});

test('readOnnxMetadata refuses bytes that are no ONNX model with one line naming the source', () => {
  const bytes = model({ 'flowseg.latent': '6' });
  const notOnnx = new TextEncoder().encode('{"this": "is JSON, not ONNX"}');
  for (const bad of [notOnnx, bytes.subarray(0, bytes.length - 3), Uint8Array.of(0x0f, 0xff, 0xff)]) {
    assert.throws(
      () => readOnnxMetadata(bad, 'x.onnx'),
      (err: Error) => err instanceof FlowsegInputError && /^x\.onnx: not an ONNX model \(.+\); write one with `flowseg export`$/.test(err.message),
    );
  }
});
