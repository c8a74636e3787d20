import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { scope, tensor, saveSafetensors, loadSafetensors, loadRawSafetensors } from './index.js';
import { expectTensors } from './safetensors.js';
import { FlowsegInputError } from '../util/errors.js';
import { packageRoot } from '../util/paths.js';

test('safetensors round trip of every dtype, atomic write leaves no temp files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fs-st-'));
  const path = join(dir, 'w.safetensors');
  scope(() => {
    saveSafetensors(
      path,
      {
        a: tensor(new Float32Array([1.5, -2, 3]), [3]),
        b: tensor(new Float64Array([1, 2, 3, 4]), [2, 2]),
        c: tensor(new BigInt64Array([5n, -6n]), [2]),
        d: tensor(new Uint8Array([0, 1, 1]), [3], { dtype: 'bool' }),
        e: tensor(new Uint8Array([7, 255]), [1, 2]),
      },
      { note: 'hello' },
    );
    const { metadata, tensors } = loadSafetensors(path);
    assert.equal(metadata.note, 'hello');
    assert.deepEqual(Array.from(tensors.get('a')?.toArray() as Float32Array), [1.5, -2, 3]);
    assert.deepEqual(tensors.get('b')?.shape, [2, 2]);
    assert.equal(tensors.get('b')?.dtype, 'float64');
    assert.deepEqual(Array.from(tensors.get('c')?.toArray() as BigInt64Array), [5n, -6n]);
    assert.equal(tensors.get('d')?.dtype, 'bool');
    assert.deepEqual(Array.from(tensors.get('e')?.toArray() as Uint8Array), [7, 255]);
  });
  assert.deepEqual(readdirSync(dir), ['w.safetensors']);
});

test('truncated or corrupt safetensors give a clear error naming the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fs-st-'));
  const good = join(dir, 'g.safetensors');
  scope(() => saveSafetensors(good, { a: tensor(new Float32Array(100), [100]) }));
  const bytes = readFileSync(good);
  const cut = join(dir, 'cut.safetensors');
  writeFileSync(cut, bytes.subarray(0, bytes.length - 10));
  assert.throws(() => loadRawSafetensors(cut), /cut\.safetensors: truncated/);
  const junk = join(dir, 'junk.safetensors');
  writeFileSync(junk, Buffer.from('hello world, not a tensor file'));
  assert.throws(() => loadRawSafetensors(junk), /junk\.safetensors: corrupt/);
  assert.throws(() => loadRawSafetensors(join(dir, 'nope.safetensors')), /nope\.safetensors: cannot open/);
});

test('files written by flowseg are readable by the Python reference reader', () => {
  const py = '/usr/bin/python3';
  const reader = join(packageRoot(), 'scripts', 'golden', 'safetensors_io.py');
  // No skip: the test setup (scripts/setup.sh --with-tests) installs python3-numpy.
  const probe = spawnSync(py, ['-c', 'import numpy'], { encoding: 'utf8' });
  assert.equal(probe.status, 0, `${py} cannot import numpy: run \`bash scripts/setup.sh --with-tests\` (Debian python3-numpy)`);
  const path = join(mkdtempSync(join(tmpdir(), 'fs-st-')), 'x.safetensors');
  scope(() => saveSafetensors(path, { w: tensor(new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]) }));
  const code = `import sys; sys.path.insert(0, ${JSON.stringify(join(packageRoot(), 'scripts', 'golden'))}); import safetensors_io as s; w = s.load_file(${JSON.stringify(path)})["w"]; print(list(w.shape), float(w.sum()))`;
  const r = spawnSync(py, ['-c', code], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /\[2, 3\] 21\.0/);
  void reader;
});

/** A file with a hand-written header and `dataBytes` zero bytes of data. */
function rawFile(dir: string, name: string, header: unknown, dataBytes = 16): string {
  const json = Buffer.from(JSON.stringify(header));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  const path = join(dir, name);
  writeFileSync(path, Buffer.concat([len, json, Buffer.alloc(dataBytes)]));
  return path;
}

test('hostile headers (offsets, shapes, dtypes, lengths) are one input error naming the file and key', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fs-st-'));
  const cases: [unknown, RegExp][] = [
    [{ w: { dtype: 'F32', shape: [2], data_offsets: [8, 0] } }, /tensor 'w' has data_offsets \[8, 0\] in reverse order/],
    [{ w: { dtype: 'F32', shape: [2], data_offsets: [-8, 0] } }, /tensor 'w' has data_offsets \[-8,0\]/],
    [{ w: { dtype: 'F32', shape: [2], data_offsets: [0, 1e12] } }, /truncated \(tensor 'w' runs past the end/],
    [{ w: { dtype: 'F32', shape: 'big', data_offsets: [0, 8] } }, /tensor 'w' has shape "big"/],
    [{ w: { dtype: 'F32', shape: [-2], data_offsets: [0, 8] } }, /tensor 'w' has shape \[-2\]/],
    [{ w: { dtype: 'F32', shape: [1e9, 1e9, 1e9], data_offsets: [0, 8] } }, /tensor 'w' has shape .* which overflows/],
    [{ w: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, /tensor 'w' holds 8 bytes but F32 \[3\] needs 12/],
    [{ w: { dtype: 'C64', shape: [1], data_offsets: [0, 8] } }, /tensor 'w' has unsupported dtype "C64"/],
    [{ w: null }, /tensor 'w' is not an object/],
    [[1, 2], /header is not a JSON object/],
    [{ __metadata__: { a: 1 } }, /__metadata__ is not a map of strings/],
  ];
  cases.forEach(([header, re], i) => {
    const path = rawFile(dir, `h${i}.safetensors`, header);
    assert.throws(
      () => loadRawSafetensors(path),
      (e: unknown) => e instanceof FlowsegInputError && re.test(e.message) && e.message.includes(path),
      `case ${i}: ${JSON.stringify(header)}`,
    );
  });
  const huge = join(dir, 'len.safetensors');
  const len = Buffer.alloc(16);
  len.writeBigUInt64LE(2n ** 63n);
  writeFileSync(huge, len);
  assert.throws(() => loadRawSafetensors(huge), /corrupt safetensors header length/);
});

test('expect: a tensor stored as I32 where the model has F32 is refused before its data is read', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fs-st-'));
  const path = rawFile(dir, 'i32.safetensors', { w: { dtype: 'I32', shape: [2, 2], data_offsets: [0, 16] } });
  assert.equal(loadRawSafetensors(path).tensors.get('w')?.dtype, 'int32'); // without expectations it loads
  const expect = new Map([['w', { dtype: 'float32' as const, shape: [2, 2] }]]);
  assert.throws(() => loadRawSafetensors(path, { expect }), /tensor 'w' is stored as I32 but the model expects F32/);
  const found = loadRawSafetensors(path).tensors;
  assert.throws(
    () => expectTensors(found, new Map([['w', { dtype: 'int32' as const, shape: [4] }]]), 'ck'),
    /ck: tensor 'w' has shape \[2,2\] but the model expects \[4\]/,
  );
  assert.throws(() => expectTensors(found, new Map([['v', { dtype: 'int32' as const, shape: [4] }]]), 'ck'), /ck: tensor 'v' is missing/);
  assert.doesNotThrow(() => expectTensors(found, new Map([['w', { dtype: 'int32' as const, shape: [2, 2] }]]), 'ck'));
});
