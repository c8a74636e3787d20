import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommandCapturingStdout } from './testing.js';
import { register } from './report.js';
import { writeFakeEvaluation, writeFakeRun } from '../eval/report/testing.js';
import { runCli } from '../testing/cli.js';

test('flowseg report <exp> --out <dir> writes the report and prints where it is', async () => {
  const root = mkdtempSync(join(tmpdir(), 'flowseg-cli-report-'));
  writeFakeRun(join(root, 'exp'), { variant: 'probunet', fold: 0, metrics: { ged_excl: 0.3, ged_incl: 0.4, hm_iou: 0.5 } });
  const printed = await runCommandCapturingStdout(register, ['report', join(root, 'exp'), '--out', join(root, 'out')]);
  assert.ok(existsSync(join(root, 'out', 'report.html')));
  assert.match(printed, /report: .*report\.html \(1 runs, 1 variants/);
});

test('flowseg report eA eB: two evaluation folders of shipped models; a malformed summary.json is one line, exit 2', async () => {
  const root = mkdtempSync(join(tmpdir(), 'flowseg-cli-report-'));
  const rows = (shift: number) => [0.25, 0.5, 0.375].map((v, i) => ({ id: `img${i}`, ged_incl: v + shift * (i + 1) }));
  const a = writeFakeEvaluation(root, 'eA', {
    model: { engine: 'onnx', file: 'a.onnx', name: 'lidc-nodule-planar2', variant: 'probunet+planar2' },
    rows: rows(0),
  });
  const b = writeFakeEvaluation(root, 'eB', { model: { engine: 'onnx', file: 'b.onnx', name: 'lidc-nodule-punet', variant: 'probunet' }, rows: rows(0.125) });
  const printed = await runCommandCapturingStdout(register, ['report', a, b, '--out', join(root, 'cmp')]);
  assert.match(printed, /report: .*report\.html \(0 runs, 2 evaluation folders, 2 variants/);
  assert.match(readFileSync(join(root, 'cmp', 'report.md'), 'utf8'), /\| lidc-nodule-planar2 − lidc-nodule-punet \| 3 \| −0\.2500 \|/);
  writeFileSync(join(b, 'summary.json'), '{"ged_excl": {"mean": 0.3}, "ged_incl": {"mean": "x"}, "hm_iou": {"mean": 1}}');
  const r = runCli(['report', a, b, '--out', join(root, 'cmp2')]);
  assert.equal(r.status, 2, r.stderr);
  assert.equal(r.stdout, '');
  assert.equal(
    r.stderr,
    `flowseg: ${join(b, 'summary.json')}: ged_incl.mean: Expected number, received string; evaluate the model again into this folder (\`flowseg evaluate --model NAME|file.onnx … --out <this folder>\`)\n`,
  );
  assert.equal(existsSync(join(root, 'cmp2')), false);
});
