import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { distinctVariants, originOf, readEvaluation } from './readEvaluation.js';
import { readRun } from './readRun.js';
import { writeFakeEvaluation, writeFakeRun } from './testing.js';

const rows = [
  { id: 'a', ged_incl: 0.25 },
  { id: 'b', ged_incl: 0.5 },
];

test('readEvaluation: the variant is the shipped name, else the export variant, else the recorded config, else the folder', () => {
  const root = mkdtempSync(join(tmpdir(), 'flowseg-read-eval-'));
  const shipped = readEvaluation(
    writeFakeEvaluation(root, 'e1', { model: { engine: 'onnx', file: 'x.onnx', name: 'lidc-nodule-planar2', variant: 'probunet+planar2' }, rows }),
  );
  assert.deepEqual([shipped.kind, shipped.variant, shipped.fold, shipped.config], ['evaluation', 'lidc-nodule-planar2', null, undefined]);
  assert.equal(shipped.origin, 'shipped model: lidc-nodule-planar2, see its card');
  assert.equal(shipped.perImage?.length, 2);
  assert.equal(shipped.examples.length, 1);
  assert.equal(shipped.summary.ged_incl.mean, 0.375);
  const file = readEvaluation(writeFakeEvaluation(root, 'e2', { model: { engine: 'onnx', file: 'm.onnx', variant: 'probunet+radial4' }, rows }));
  assert.equal(file.variant, 'probunet+radial4');
  const withRun = readEvaluation(
    writeFakeEvaluation(root, 'e3', {
      model: { engine: 'torch', checkpoint: 'runs/x' },
      rows,
      summary: { config: { modelConfig: { model: 'probunet', flow: 'planar', flowSteps: 2 }, fold: 3 } },
    }),
  );
  assert.deepEqual([withRun.variant, withRun.fold, withRun.origin], ['probunet+planar2', 3, 'checkpoint: runs/x, evaluated without its run folder']);
  const bare = readEvaluation(writeFakeEvaluation(root, 'my-eval', { rows }));
  assert.deepEqual([bare.variant, bare.model, bare.origin], ['my-eval', undefined, 'a model evaluated without its run folder']);
});

test('originOf names the shipped model, the ONNX file with its variant, or the checkpoint', () => {
  assert.equal(originOf({ engine: 'onnx', file: 'm.onnx', variant: 'probunet' }), 'ONNX model: m.onnx (probunet), evaluated without its run folder');
  assert.equal(originOf({ engine: 'onnx', file: 'm.onnx' }), 'ONNX model: m.onnx, evaluated without its run folder');
  assert.equal(originOf(undefined), 'a model evaluated without its run folder');
});

test('distinctVariants: an evaluation sharing a variant with another entry is renamed after its folder; runs and unique names stay', () => {
  const root = mkdtempSync(join(tmpdir(), 'flowseg-read-eval-'));
  const run0 = readRun(writeFakeRun(join(root, 'exp'), { variant: 'probunet', fold: 0, metrics: { ged_excl: 0.3 } }));
  const run1 = readRun(writeFakeRun(join(root, 'exp'), { variant: 'probunet', fold: 1, metrics: { ged_excl: 0.3 } }));
  const onnx = { engine: 'onnx', file: 'm.onnx', variant: 'probunet' };
  const e1 = readEvaluation(writeFakeEvaluation(join(root, 'a'), 'eval-onnx', { model: onnx, rows }));
  const e2 = readEvaluation(writeFakeEvaluation(join(root, 'b'), 'eval-onnx', { model: onnx, rows }));
  const e3 = readEvaluation(writeFakeEvaluation(root, 'e3', { model: { ...onnx, name: 'lidc-nodule-punet' }, rows }));
  const named = distinctVariants([run0, run1, e1, e2, e3]).map((r) => r.variant);
  // the folds keep grouping; the two folders named alike are told apart by their paths
  assert.deepEqual(named, [
    'probunet',
    'probunet',
    `probunet (${relative(process.cwd(), join(root, 'a', 'eval-onnx'))})`,
    `probunet (${relative(process.cwd(), join(root, 'b', 'eval-onnx'))})`,
    'lidc-nodule-punet',
  ]);
  const e4 = readEvaluation(writeFakeEvaluation(root, 'e4', { model: onnx, rows }));
  assert.deepEqual(
    distinctVariants([run0, e4]).map((r) => r.variant),
    ['probunet', 'probunet (e4)'],
  );
});
