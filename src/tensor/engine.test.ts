import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { cpuAllocatorStats, emptyCpuCache, getBlasThreads, getNumThreads, ones, scope, setNumThreads, zeros } from './index.js';

test("setNumThreads sets libtorch's intra-op threads and OpenBLAS's own pool", (t) => {
  const before = getNumThreads();
  try {
    setNumThreads(1);
    assert.equal(getNumThreads(), 1);
    const blas = getBlasThreads();
    if (blas === null) {
      t.skip('libtorch does not run on OpenBLAS here: no separate pool to set');
      return;
    }
    assert.equal(blas, 1, 'OpenBLAS kept its own thread count');
    if (availableParallelism() >= 2) {
      setNumThreads(2);
      assert.equal(getBlasThreads(), 2);
    }
  } finally {
    setNumThreads(before);
  }
});

test('caching CPU allocator: a freed large block serves the next large tensor without a new mapping; emptyCpuCache gives free segments back', (t) => {
  if (!cpuAllocatorStats().caching) {
    t.skip('FLOWSEG_CPU_CACHE=off');
    return;
  }
  const n = 1 << 20; // 4 MiB of float32: a large block
  scope(() => void zeros([n]).sum().item());
  const before = cpuAllocatorStats();
  assert.ok(before.cachedBytes >= 4 * n, `cached ${before.cachedBytes}`);
  const sum = scope(() => ones([n]).sum().item());
  assert.equal(sum, n, 'the reused block holds the new values');
  const after = cpuAllocatorStats();
  assert.equal(after.mappedSegments, before.mappedSegments, 'no new mapping');
  assert.ok(after.reusedBlocks > before.reusedBlocks);
  scope(() => void ones([10]).sum().item()); // small: glibc, not the cache
  assert.equal(cpuAllocatorStats().reusedBlocks, after.reusedBlocks);
  assert.ok(emptyCpuCache() >= 4 * n);
  assert.equal(cpuAllocatorStats().cachedBytes, 0);
});

test('FLOWSEG_CPU_CACHE=off keeps libtorch’s default allocator, and tensors still work', () => {
  const index = new URL('./index.js', import.meta.url).href;
  const code = `import { cpuAllocatorStats, ones, scope } from '${index}';
    const s = scope(() => ones([1 << 20]).sum().item());
    process.stdout.write(JSON.stringify({ caching: cpuAllocatorStats().caching, s }));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8', env: { ...process.env, FLOWSEG_CPU_CACHE: 'off' } });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { caching: false, s: 1 << 20 });
});
