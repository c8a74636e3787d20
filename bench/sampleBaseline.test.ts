// The bench's PyTorch sampling baselines compute what the model defines: every form of
// ProbUNet.sample (GEMM fcomb, conv fcomb, TorchScript-frozen) equals the literal tiled fcomb for
// the same noise (bench/pytorch/check_sample.py; `npm test`'s setup installs python3-torch).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { packageRoot } from '../src/util/paths.js';
import { threadEnv } from './threadEnv.js';

test('bench sample16 baselines: all three PyTorch forms equal the literal fcomb (check_sample.py)', () => {
  const r = spawnSync('/usr/bin/python3', [join(packageRoot(), 'bench', 'pytorch', 'check_sample.py')], {
    encoding: 'utf8',
    env: { ...process.env, ...threadEnv(2) },
  });
  assert.equal(r.status, 0, r.stderr);
  const m = /all three forms\) == literal tiled fcomb for the same noise: max \|delta p\| = ([\d.e+-]+)/.exec(r.stdout);
  assert.ok(m, r.stdout);
  assert.ok(Number(m[1]) < 1e-5, r.stdout);
});
