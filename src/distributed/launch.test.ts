import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchLocal, withoutNprocFlag } from './launch.js';

test('withoutNprocFlag drops both spellings and keeps everything else', () => {
  assert.deepEqual(withoutNprocFlag(['x.js', 'train', '--nproc-per-node', '2', '--out', 'r']), ['x.js', 'train', '--out', 'r']);
  assert.deepEqual(withoutNprocFlag(['x.js', '--nproc-per-node=4', '--seed', '1']), ['x.js', '--seed', '1']);
});

test('launchLocal starts N workers with the torchrun variables and split threads', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fs-launch-'));
  try {
    const script = `require('fs').writeFileSync(require('path').join(${JSON.stringify(dir)}, process.env.RANK + '.json'), JSON.stringify(process.env))`;
    const code = await launchLocal({ nproc: 2, argv: ['-e', script], env: { ...process.env, FLOWSEG_THREADS: undefined } });
    assert.equal(code, 0);
    assert.deepEqual(readdirSync(dir).sort(), ['0.json', '1.json']);
    const envs = [0, 1].map((r) => JSON.parse(readFileSync(join(dir, `${r}.json`), 'utf8')) as Record<string, string>);
    envs.forEach((e, r) => {
      assert.equal(e.RANK, String(r));
      assert.equal(e.LOCAL_RANK, String(r));
      assert.equal(e.WORLD_SIZE, '2');
      assert.equal(e.LOCAL_WORLD_SIZE, '2');
      assert.equal(e.MASTER_ADDR, '127.0.0.1');
      assert.ok(Number(e.FLOWSEG_THREADS) >= 1);
    });
    assert.equal(envs[0]?.MASTER_PORT, envs[1]?.MASTER_PORT);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('one failing worker stops the others and its exit code is the result', async () => {
  const script = "if (process.env.RANK === '1') process.exit(3); setTimeout(() => {}, 60000)";
  const t0 = performance.now();
  const code = await launchLocal({ nproc: 2, argv: ['-e', script], graceMs: 2000 });
  assert.equal(code, 3);
  assert.ok(performance.now() - t0 < 20_000);
});
