import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FlowsegInputError } from '../util/errors.js';
import { BUILTIN_PRESETS, parseVariantName, planJobs, resolvePreset } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'flowseg-presets-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

test("valiuddin2021: 5 variants × 10 k-fold folds, fold-major job order, the paper's settings", () => {
  const p = resolvePreset('valiuddin2021');
  assert.deepEqual(
    p.variants.map((v) => v.name),
    ['probunet', 'probunet+planar2', 'probunet+planar4', 'probunet+radial2', 'probunet+radial4'],
  );
  const jobs = planJobs(p, { data: 'synthetic', out: 'exp', budget: {} });
  assert.equal(jobs.length, 50);
  assert.deepEqual(
    jobs.slice(0, 6).map((j) => [j.index, j.variant, j.fold]),
    [
      [0, 'probunet', 0],
      [1, 'probunet+planar2', 0],
      [2, 'probunet+planar4', 0],
      [3, 'probunet+radial2', 0],
      [4, 'probunet+radial4', 0],
      [5, 'probunet', 1],
    ],
  );
  const c = jobs[7]?.config;
  assert.deepEqual(c?.split, { kind: 'kfold', fold: 1, folds: 10 });
  assert.equal(jobs[7]?.dir, join('exp', 'probunet+planar4', 'fold_1'));
  assert.equal(c?.batchSize, 96);
  assert.equal(c?.lr, 1e-4);
  assert.equal(c?.epochs, 200);
  assert.equal(c?.raters, 'all');
  assert.deepEqual(c?.modelConfig.filters, [32, 64, 128, 192]);
  assert.equal(p.samples, 16);
  assert.deepEqual(p.metrics, ['ged_excl', 'ged_incl', 'hm_iou']);
});

test('selvan2020: 4 models × {all, single} raters, one 60/20/20 fold, names distinguish the raters mode', () => {
  const p = BUILTIN_PRESETS.selvan2020;
  assert.ok(p);
  const names = p.variants.map((v) => v.name);
  assert.deepEqual(names, [
    'detunet',
    'probunet',
    'probunet+cplanar2',
    'probunet+cglow2',
    'detunet@single',
    'probunet@single',
    'probunet+cplanar2@single',
    'probunet+cglow2@single',
  ]);
  const jobs = planJobs(p, { data: 'synthetic', out: 'exp', budget: { maxSteps: 3, maxMinutes: 2 } });
  assert.equal(jobs.length, 8);
  assert.ok(jobs.every((j) => j.fold === 0 && j.config.split.kind === 'fractions'));
  assert.equal(jobs[6]?.config.raters, 'single');
  assert.equal(jobs[6]?.config.modelConfig.flow, 'cplanar');
  assert.equal(jobs[0]?.config.maxSteps, 3);
  assert.equal(jobs[0]?.config.maxMinutes, 2);
  assert.throws(() => planJobs(p, { data: 'synthetic', out: 'exp', foldsToRun: [1], budget: {} }), /--folds-to-run 1: preset selvan2020 has one fold, 0/);
});

test('variant names parse both ways; overrides keep the preset order', () => {
  assert.deepEqual(parseVariantName('probunet+cglow2@single'), {
    name: 'probunet+cglow2@single',
    model: 'probunet',
    flow: 'cglow',
    flowSteps: 2,
    raters: 'single',
  });
  assert.equal(parseVariantName('detunet+planar2'), null);
  const p = resolvePreset('valiuddin2021', { variants: ['probunet+radial2', 'probunet'], filters: [8, 16], batchSize: 12, lr: 1e-3 });
  assert.deepEqual(
    p.variants.map((v) => v.name),
    ['probunet', 'probunet+radial2'],
  );
  assert.deepEqual([p.training.filters, p.training.batchSize, p.training.lr], [[8, 16], 12, 1e-3]);
  assert.throws(() => resolvePreset('valiuddin2021', { variants: ['probunet+glow9'] }), /--variants probunet\+glow9: not in preset valiuddin2021/);
  assert.throws(() => resolvePreset('nope'), /not a built-in preset \(valiuddin2021, selvan2020, main\)/);
});

test('user presets: YAML extending a built-in, and a standalone JSON preset', () => {
  const y = resolvePreset(file('cpu.yaml', 'extends: valiuddin2021\ntraining:\n  filters: [16, 32, 64, 96]\n  batchSize: 16\n'));
  assert.equal(y.name, 'cpu');
  assert.equal(y.variants.length, 5);
  assert.deepEqual(y.training.filters, [16, 32, 64, 96]);
  assert.equal(y.training.lr, 1e-4);
  const j = resolvePreset(
    file(
      'mine.json',
      JSON.stringify({ name: 'mine', variants: ['probunet', { model: 'probunet', flow: 'planar', raters: 'single' }], split: { kind: 'kfold', folds: 3 } }),
    ),
  );
  assert.deepEqual(
    j.variants.map((v) => v.name),
    ['probunet', 'probunet+planar2@single'],
  );
  assert.equal(planJobs(j, { data: 'synthetic', out: 'e', budget: {} }).length, 6);
});

test('invalid preset files: one-line FlowsegInputError naming the file and the key', () => {
  const cases: [string, string, RegExp][] = [
    ['typo.yaml', 'extends: valiuddin2021\ntraining:\n  filterz: [4, 8]\n', /typo\.yaml: training\.filterz: unknown key/],
    [
      'bad-variant.json',
      JSON.stringify({ extends: 'selvan2020', variants: ['probunet', 'probunet+foo2'] }),
      /bad-variant\.json: variants\.1: "probunet\+foo2" is not a variant/,
    ],
    ['bad-type.yaml', 'extends: valiuddin2021\ntraining:\n  batchSize: "big"\n', /bad-type\.yaml: training\.batchSize: Expected number, received string/],
    ['no-split.yaml', 'variants: [probunet]\n', /no-split\.yaml: split: required unless the file has "extends/],
    [
      'fractions.yaml',
      'extends: selvan2020\nsplit: { kind: fractions, train: 0.5, val: 0.2, test: 0.2 }\n',
      /fractions\.yaml: split: train \+ val \+ test must sum to 1/,
    ],
    ['bad-extends.yaml', 'extends: kohl2018\n', /bad-extends\.yaml: extends: Invalid enum value/],
    ['broken.yaml', 'training: [unclosed\n', /broken\.yaml: not valid YAML/],
  ];
  for (const [name, text, message] of cases) {
    const path = file(name, text);
    assert.throws(
      () => resolvePreset(path),
      (err: unknown) => err instanceof FlowsegInputError && message.test(err.message) && !err.message.includes('\n'),
      name,
    );
  }
  assert.throws(() => resolvePreset(join(dir, 'missing.yaml')), /--preset .*missing\.yaml: file not found/);
});
