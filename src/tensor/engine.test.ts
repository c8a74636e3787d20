import { test } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { getBlasThreads, getNumThreads, setNumThreads } from './index.js';

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
