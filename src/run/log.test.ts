import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendLog, lastLogLine, readLog, rollbackLog } from './log.js';

const fresh = (): string => mkdtempSync(join(tmpdir(), 'fs-log-'));

test('rollbackLog keeps lines up to the checkpoint step, drops later steps, stop lines and a cut last line', () => {
  const dir = fresh();
  for (let s = 1; s <= 5; s++) appendLog(dir, { kind: 'step', step: s, epoch: 1, loss: 10 - s });
  appendLog(dir, { kind: 'epoch', epoch: 1, step: 4 });
  appendLog(dir, { kind: 'stop', reason: 'max-steps', step: 5 });
  writeFileSync(join(dir, 'log.jsonl'), `${readFileSync(join(dir, 'log.jsonl'), 'utf8')}{"kind":"st`);
  assert.equal(rollbackLog(dir, 4), 2);
  const notes: string[] = [];
  const log = readLog(dir, notes);
  assert.deepEqual(notes, [], 'the cut line is gone too');
  assert.deepEqual(
    log.steps.map((l) => l.step),
    [1, 2, 3, 4],
  );
  assert.deepEqual(
    log.epochs.map((l) => l.step),
    [4],
  );
  assert.equal(
    log.lines.some((l) => l.kind === 'stop'),
    false,
  );
  assert.equal(lastLogLine(dir, ['epoch'])?.step, 4);
});

test('readLog: a truncated last line is noted, a bad middle line is a one-line error naming file and line', () => {
  const dir = fresh();
  writeFileSync(join(dir, 'log.jsonl'), '{"kind":"step","step":1,"epoch":1,"loss":3}\n{"kind":"ep');
  const notes: string[] = [];
  assert.equal(readLog(dir, notes).steps.length, 1);
  assert.match(notes[0] as string, /last line 2 is truncated/);
  writeFileSync(join(dir, 'log.jsonl'), 'oops\n{"kind":"step","step":1,"epoch":1,"loss":3}\n');
  assert.throws(() => readLog(dir), /log\.jsonl: line 1 is not valid JSON; fix or delete that line/);
  writeFileSync(join(dir, 'log.jsonl'), '{"kind":"step","step":"x","epoch":1,"loss":3}\n');
  assert.throws(() => readLog(dir), /line 1: step: Expected number/);
});
