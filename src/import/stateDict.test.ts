import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { FlowsegInputError } from '../util/errors.js';
import { readStateDict } from './stateDict.js';
import { writeTorchFixture } from './testing.js';

const scratch = mkdtempSync(join(tmpdir(), 'flowseg-import-test-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
const base = join(scratch, 'sd');
before(() => writeTorchFixture('reader', base));

const values = (path: string) => {
  const { tensors, nestedKey } = readStateDict(path);
  return { nestedKey, t: Object.fromEntries([...tensors].map(([k, v]) => [k, { shape: v.shape, dtype: v.dtype, data: [...v.data] }])) };
};

// The values torch_fixtures.py `reader` saves, written out by hand.
const EXPECTED = {
  'a.weight': { shape: [3, 4], dtype: 'f4', data: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] },
  'a.t': { shape: [4, 3], dtype: 'f4', data: [0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11] },
  'b.bias': { shape: [2], dtype: 'f8', data: [0.5, -1.25] },
  'c.half': { shape: [3], dtype: 'f2', data: [1.5, -2, 0.099975586] },
  'd.slice': { shape: [4], dtype: 'f4', data: [3, 4, 5, 6] },
  steps: { shape: [], dtype: 'i8', data: [7] },
};

for (const kind of ['plain', 'nested', 'dataparallel', 'legacy']) {
  test(`torch.save ${kind} file: every tensor with its shape, dtype, strides and storage offset`, () => {
    const { t, nestedKey } = values(`${base}.${kind}.pth`);
    assert.equal(nestedKey, kind === 'nested' ? 'state_dict' : null);
    assert.deepEqual(Object.keys(t).sort(), Object.keys(EXPECTED).sort());
    for (const [k, e] of Object.entries(EXPECTED)) {
      const got = t[k];
      assert.deepEqual([got.shape, got.dtype], [e.shape, e.dtype], k);
      for (const [i, v] of got.data.entries()) assert.ok(Math.abs(v - (e.data[i] as number)) < 1e-7, `${k}[${i}] ${v}`);
    }
  });
}

test('bad checkpoints: one-line FlowsegInputError naming the file', () => {
  const rejects = (path: string, pattern: RegExp) =>
    assert.throws(
      () => readStateDict(path),
      (e: unknown) => e instanceof FlowsegInputError && pattern.test(e.message) && !e.message.includes('\n'),
    );
  rejects(`${base}.module.pth`, /sd\.module\.pth:.*data\.pkl names the Python global 'torch\.nn\.modules\.conv\.Conv2d' .* save model\.state_dict\(\)/);
  const text = join(scratch, 'notes.pth');
  writeFileSync(text, 'hello');
  rejects(text, /notes\.pth is neither a zip nor a pickle/);
  const plain = readFileSync(`${base}.plain.pth`);
  const cut = join(scratch, 'cut.pth');
  writeFileSync(cut, plain.subarray(0, plain.length - 200));
  rejects(cut, /cut\.pth: corrupt or truncated zip/);
  const legacy = readFileSync(`${base}.legacy.pth`);
  const cutLegacy = join(scratch, 'cut-legacy.pth');
  writeFileSync(cutLegacy, legacy.subarray(0, legacy.length - 10));
  rejects(cutLegacy, /cut-legacy\.pth is truncated/);
  rejects(join(scratch, 'missing.pth'), /missing\.pth: cannot read the file/);
});
