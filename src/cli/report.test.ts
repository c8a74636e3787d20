import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommandCapturingStdout } from './testing.js';
import { register } from './report.js';
import { writeFakeRun } from '../eval/report/testing.js';

test('flowseg report <exp> --out <dir> writes the report and prints where it is', async () => {
  const root = mkdtempSync(join(tmpdir(), 'flowseg-cli-report-'));
  writeFakeRun(join(root, 'exp'), { variant: 'probunet', fold: 0, metrics: { ged_excl: 0.3, ged_incl: 0.4, hm_iou: 0.5 } });
  const printed = await runCommandCapturingStdout(register, ['report', join(root, 'exp'), '--out', join(root, 'out')]);
  assert.ok(existsSync(join(root, 'out', 'report.html')));
  assert.match(printed, /report: .*report\.html \(1 runs, 1 variants/);
});
