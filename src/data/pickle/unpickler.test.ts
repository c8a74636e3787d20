import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FlowsegInputError } from '../../util/errors.js';
import { packageRoot } from '../../util/paths.js';
import { ndValues } from './ndarray.js';
import { StreamingUnpickler } from './unpickler.js';
import { NdArray, PyDict, PyInstance, type PyValue } from './values.js';

// Fixtures from scripts/make-pickle-fixtures.py (3 entries, 8×8, fake pydicom classes).
const fixture = (p: number): string => join(packageRoot(), 'test-fixtures', 'pickle', `tiny.p${p}.pickle`);

for (const protocol of [2, 3, 4, 5]) {
  test(`protocol ${protocol}: entries stream out with numpy arrays and pydicom values`, () => {
    const entries = [...new StreamingUnpickler(fixture(protocol)).entries()];
    assert.deepEqual(
      entries.map(([k]) => k),
      ['000000000000000000000000000000_slice0', '000000000000000000000000000000_slice1', '000000000000000000000000000001_slice0'],
    );
    entries.forEach(([, v], e) => {
      assert.ok(v instanceof PyDict);
      const img = v.get('image');
      assert.ok(img instanceof NdArray);
      assert.deepEqual(img.shape, [8, 8]);
      const vals = ndValues(img);
      for (let i = 0; i < 64; i++) assert.equal(vals[i], ((e * 7 + i) % 256) / 255);
      const masks = v.get('masks') as PyValue[];
      assert.equal(masks.length, 4);
      const m1 = ndValues(masks[1] as NdArray);
      for (let i = 0; i < 64; i++) assert.equal(m1[i], (Math.floor(i / 8) + (i % 8) + 1 + e) % 3 === 0 ? 1 : 0);
      assert.equal((masks[3] as NdArray).dtype?.kind, 'f'); // empty rater stored as float64
      assert.equal(v.get('series_uid'), `1.2.3.${Math.floor(e / 2)}`);
      const spacing = v.get('pixel_spacing');
      assert.ok(spacing instanceof PyInstance && spacing.className === 'pydicom.multival.MultiValue');
      assert.deepEqual((spacing.state as PyDict).get('_list'), [0.7, 0.7]);
    });
  });
}

function tmpFile(name: string, bytes: Uint8Array): { path: string; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'flowseg-pickle-'));
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return { path, done: () => rmSync(dir, { recursive: true }) };
}

test('a non-whitelisted global is refused by name, nothing runs', () => {
  // protocol 2: GLOBAL 'os system', then ('echo hi',) REDUCE — the classic exploit
  const bytes = Buffer.concat([
    Buffer.from([0x80, 0x02]),
    Buffer.from('cos\nsystem\n', 'latin1'),
    Buffer.from([0x58, 7, 0, 0, 0]),
    Buffer.from('echo hi', 'latin1'),
    Buffer.from([0x85, 0x52, 0x2e]),
  ]);
  const f = tmpFile('evil.pickle', bytes);
  try {
    assert.throws(
      () => new StreamingUnpickler(f.path).load(),
      (err: unknown) => err instanceof FlowsegInputError && err.message.includes("'os.system'") && err.message.includes(f.path),
    );
  } finally {
    f.done();
  }
});

test('a truncated pickle is reported as truncated, naming the file', () => {
  const whole = readFileSync(fixture(3));
  const f = tmpFile('cut.pickle', whole.subarray(0, Math.floor(whole.length * 0.6)));
  try {
    assert.throws(
      () => [...new StreamingUnpickler(f.path).entries()],
      (err: unknown) => err instanceof FlowsegInputError && /cut\.pickle is truncated/.test(err.message),
    );
  } finally {
    f.done();
  }
});

test('a pickle that is not a dict is refused for streaming', () => {
  const f = tmpFile('list.pickle', Buffer.from([0x80, 0x02, 0x5d, 0x2e])); // []
  try {
    assert.throws(() => [...new StreamingUnpickler(f.path).entries()], /holds a list, expected a dict/);
  } finally {
    f.done();
  }
});

test('a small read window still works (values span many refills)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowseg-pickle-'));
  try {
    const path = join(dir, 'p3.pickle');
    copyFileSync(fixture(3), path);
    const u = new StreamingUnpickler(path);
    (u as unknown as { src: { buf: Buffer } }).src.buf = Buffer.alloc(7);
    assert.equal([...u.entries()].length, 3);
  } finally {
    rmSync(dir, { recursive: true });
  }
});
