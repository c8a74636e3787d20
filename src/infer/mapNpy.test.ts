import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseNpyHeader } from '../data/npzFormat.js';
import { encodeFloatNpy } from './mapNpy.js';

test('encodeFloatNpy: little-endian float32 [H, W] that numpy reads back exactly', () => {
  const map = Float32Array.from([0, 0.25, -1.5, 1e-8, 0.5, 3.4e38]);
  const npy = encodeFloatNpy(map, 2, 3);
  const h = parseNpyHeader(npy);
  assert.deepEqual([h.dtype.descr, h.shape], ['<f4', [2, 3]]);
  assert.equal(h.dataOffset % 64, 0, 'header padded to 64 bytes (NEP 1)');
  const back = new Float32Array(npy.slice(h.dataOffset).buffer);
  assert.deepEqual(Array.from(back), Array.from(map));
  const dir = mkdtempSync(join(tmpdir(), 'fs-npy-'));
  writeFileSync(join(dir, 'm.npy'), npy);
  // numpy reads it back; no fallback: the test setup (scripts/setup.sh --with-tests) installs python3-numpy.
  const py = spawnSync(
    '/usr/bin/python3',
    [
      '-c',
      `import json, numpy as np; a = np.load('${join(dir, 'm.npy')}'); print(json.dumps([str(a.dtype), list(a.shape), a.ravel().astype(float).tolist()]))`,
    ],
    { encoding: 'utf8' },
  );
  assert.equal(py.status, 0, `/usr/bin/python3 + numpy failed (run \`bash scripts/setup.sh --with-tests\`): ${py.stderr}`);
  assert.deepEqual(JSON.parse(py.stdout), ['float32', [2, 3], Array.from(map)]);
  rmSync(dir, { recursive: true });
});

test('encodeFloatNpy rejects a map of the wrong size', () => {
  assert.throws(() => encodeFloatNpy(new Float32Array(5), 2, 3), RangeError);
});
