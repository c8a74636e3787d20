import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FlowsegInputError } from '../util/errors.js';
import { packageRoot } from '../util/paths.js';
import { parseModelCard } from './card.js';
import { listShippedModels, loadShippedModel, modelNames, modelsDir, resolveModelArg } from './registry.js';
import { exampleCard, writeModelFolder } from './testing.js';

const fresh = (): string => mkdtempSync(join(tmpdir(), 'fs-zoo-'));

test('card.json: a valid card parses (command as a string becomes a list, weights default float32); bad cards name the key', () => {
  const card = parseModelCard({ ...exampleCard('a-b'), command: 'flowseg train x' }, 'card.json');
  assert.deepEqual(card.command, ['flowseg train x']);
  assert.equal(card.weights, 'float32');
  assert.equal(card.testMetrics.ged_excl, 0.5);
  const bad = (over: Record<string, unknown>, key: RegExp): void =>
    assert.throws(
      () => parseModelCard({ ...exampleCard('a-b'), ...over }, 'card.json'),
      (e: Error) => e instanceof FlowsegInputError && key.test(e.message) && !e.message.includes('\n'),
    );
  bad({ name: 'Bad Name' }, /card\.json: name: lower-case/);
  bad({ summary: 'two\nlines' }, /summary: must be one line/);
  bad({ inputShape: [1, 128] }, /inputShape/);
  bad({ testMetrics: { ged_excl: 'low' } }, /testMetrics\.ged_excl/);
  bad({ commit: 'main' }, /commit: a git commit hash/);
  bad({ weights: 'int8' }, /weights/);
  bad({ extra: 1 }, /Unrecognized key/);
  const { licence: _, ...noLicence } = exampleCard('a-b');
  assert.throws(() => parseModelCard(noLicence, 'card.json'), /licence: Required/);
});

test('registry: lists model folders by name, resolves names and files, refuses anything else with the names', () => {
  const dir = fresh();
  try {
    assert.deepEqual(modelNames(join(dir, 'absent')), []);
    writeModelFolder(dir, exampleCard('lidc-b'));
    writeModelFolder(dir, exampleCard('lidc-a', { weights: 'float16' }));
    mkdirSync(join(dir, 'notes')); // no card.json: not a model
    writeFileSync(join(dir, 'README.md'), 'x');
    assert.deepEqual(modelNames(dir), ['lidc-a', 'lidc-b']);
    const all = listShippedModels(dir);
    assert.deepEqual(
      all.map((m) => [m.name, m.card.weights, m.bytes]),
      [
        ['lidc-a', 'float16', 16],
        ['lidc-b', 'float32', 16],
      ],
    );

    const byName = resolveModelArg('lidc-a', '--model', dir);
    assert.equal(byName.path, join(dir, 'lidc-a', 'model.onnx'));
    assert.equal(byName.model?.card.name, 'lidc-a');
    const file = join(dir, 'mine.onnx');
    writeFileSync(file, 'x');
    assert.deepEqual(resolveModelArg(file, '--model', dir), { path: file });
    // A path is a path even when a model has its name.
    assert.throws(
      () => resolveModelArg('./lidc-a', '--model', dir),
      /--model \.\/lidc-a: no such file \(write one with `flowseg export`\); shipped models: lidc-a, lidc-b/,
    );
    assert.throws(() => resolveModelArg(join(dir, 'notes'), '--model', dir), /notes is a folder; pass the \.onnx file/);
    assert.throws(
      () => resolveModelArg('lidc-c', '--model', dir),
      (e: Error) =>
        e instanceof FlowsegInputError &&
        e.message === '--model lidc-c: neither a shipped model nor an .onnx file; shipped models: lidc-a, lidc-b (`flowseg models` lists them)',
    );
    assert.throws(() => resolveModelArg('x', '--model', join(dir, 'absent')), /no models are shipped in/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('registry: a card naming another model, or a missing model.onnx/card.md, is refused in one line', () => {
  const dir = fresh();
  try {
    writeModelFolder(dir, { ...exampleCard('one'), name: 'two' });
    mkdirSync(join(dir, 'one'), { recursive: true });
    writeFileSync(join(dir, 'one', 'card.json'), JSON.stringify(exampleCard('two')));
    assert.throws(() => loadShippedModel('one', dir), /card\.json: name "two" differs from its folder one/);
    const folder = writeModelFolder(dir, exampleCard('three'));
    rmSync(join(folder, 'model.onnx'));
    assert.throws(() => loadShippedModel('three', dir), /model three: .*model\.onnx is missing/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('registry: models/ at the package root by default; FLOWSEG_MODELS_DIR points it elsewhere', () => {
  const before = process.env.FLOWSEG_MODELS_DIR;
  try {
    delete process.env.FLOWSEG_MODELS_DIR;
    assert.equal(modelsDir(), join(packageRoot(), 'models'));
    process.env.FLOWSEG_MODELS_DIR = '/somewhere/else';
    assert.equal(modelsDir(), '/somewhere/else');
  } finally {
    if (before === undefined) delete process.env.FLOWSEG_MODELS_DIR;
    else process.env.FLOWSEG_MODELS_DIR = before;
  }
});
