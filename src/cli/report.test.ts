import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { register } from './report.js';
import { writeFakeRun } from '../eval/report/testing.js';

test('flowseg report <exp> --out <dir> writes the report and prints where it is', async () => {
  const root = mkdtempSync(join(tmpdir(), 'flowseg-cli-report-'));
  writeFakeRun(join(root, 'exp'), { variant: 'probunet', fold: 0, metrics: { ged_excl: 0.3, ged_incl: 0.4, hm_iou: 0.5 } });
  const program = new Command('flowseg').exitOverride();
  register(program);
  const printed: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string) => printed.push(String(chunk)) > 0) as typeof process.stdout.write;
  try {
    await program.parseAsync(['node', 'flowseg', 'report', join(root, 'exp'), '--out', join(root, 'out')]);
  } finally {
    process.stdout.write = write;
  }
  assert.ok(existsSync(join(root, 'out', 'report.html')));
  assert.match(printed.join(''), /report: .*report\.html \(1 runs, 1 variants/);
});
