import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeDirAtomic } from './atomicDir.js';

test('writeDirAtomic replaces the folder on success and leaves old output and no temp folder on failure', () => {
  const root = mkdtempSync(join(tmpdir(), 'fs-atomic-'));
  const out = join(root, 'out');
  mkdirSync(out);
  writeFileSync(join(out, 'old.txt'), 'old');
  assert.throws(() => writeDirAtomic(out, (tmp) => {
    writeFileSync(join(tmp, 'half.txt'), 'half');
    throw new Error('boom');
  }), /boom/);
  assert.deepEqual(readdirSync(root), ['out']);
  assert.deepEqual(readdirSync(out), ['old.txt']);
  const value = writeDirAtomic(out, (tmp) => {
    writeFileSync(join(tmp, 'new.txt'), 'new');
    return 7;
  });
  assert.equal(value, 7);
  assert.deepEqual(readdirSync(root), ['out']);
  assert.deepEqual(readdirSync(out), ['new.txt']);
  assert.equal(readFileSync(join(out, 'new.txt'), 'utf8'), 'new');
});
