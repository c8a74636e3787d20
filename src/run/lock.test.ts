import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { FlowsegInputError } from '../util/errors.js';
import { lockRun } from './lock.js';

const fresh = (): string => mkdtempSync(join(tmpdir(), 'fs-lock-'));

test('a second lock on a run in use is refused, naming the holder; release frees it', () => {
  const dir = fresh();
  const lock = lockRun(dir);
  assert.throws(
    () => lockRun(dir),
    (e: Error) => e instanceof FlowsegInputError && e.message.includes(`process ${process.pid} on ${hostname()}`),
  );
  lock.release();
  assert.equal(existsSync(join(dir, 'run.lock')), false);
  lockRun(dir).release();
});

test('a lock left by a dead process is stale and taken over; one held by a live other process is not', async () => {
  const dir = fresh();
  writeFileSync(join(dir, 'run.lock'), JSON.stringify({ pid: 999999999, host: hostname(), since: 'then' }));
  const lock = lockRun(dir);
  assert.equal(JSON.parse(readFileSync(join(dir, 'run.lock'), 'utf8')).pid, process.pid);
  lock.release();
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)']);
  try {
    writeFileSync(join(dir, 'run.lock'), JSON.stringify({ pid: child.pid, host: hostname(), since: 'now' }));
    assert.throws(() => lockRun(dir), new RegExp(`in use by process ${child.pid}`));
  } finally {
    child.kill();
  }
});
