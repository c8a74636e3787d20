import assert from 'node:assert/strict';
import { test } from 'node:test';
import { intersectionCount, packMask, popcount32 } from './packed.js';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function naiveCount(a: Uint8Array, b: Uint8Array): number {
  let c = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== 0 && b[i] !== 0) c++;
  return c;
}

test('popcount32 matches a bit loop', () => {
  const rand = lcg(1);
  for (const x of [0, 1, 0xffffffff, 0x80000000, 0x55555555, ...Array.from({ length: 200 }, () => (rand() * 2 ** 32) >>> 0)]) {
    let c = 0;
    for (let b = 0; b < 32; b++) c += (x >>> b) & 1;
    assert.equal(popcount32(x), c, `x = ${x}`);
  }
});

test('packed intersections equal naive counts (aligned, unaligned, non-binary, ragged lengths)', () => {
  const rand = lcg(2);
  for (const length of [1, 31, 32, 33, 100, 1024, 16384 + 7]) {
    for (const density of [0, 0.02, 0.5, 1]) {
      const a = new Uint8Array(length).map(() => (rand() < density ? 1 : 0));
      // b lives at odd byte offset 1 and uses 255 for foreground: forces the byte-wise path
      const backing = new Uint8Array(length + 1);
      const b = backing.subarray(1);
      for (let i = 0; i < length; i++) b[i] = rand() < 0.3 ? 255 : 0;
      const pa = packMask(a);
      const pb = packMask(b);
      assert.equal(pa.count, naiveCount(a, a));
      assert.equal(pb.count, naiveCount(b, b));
      assert.equal(intersectionCount(pa, pb), naiveCount(a, b), `length ${length}, density ${density}`);
      assert.equal(intersectionCount(pb, pa), naiveCount(a, b));
    }
  }
});

test('empty mask packs to count 0 and an empty word range', () => {
  const p = packMask(new Uint8Array(100));
  assert.equal(p.count, 0);
  assert.equal(p.end - p.first <= 0, true);
  assert.equal(intersectionCount(p, packMask(new Uint8Array(100).fill(1))), 0);
});
