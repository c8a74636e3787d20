import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hungarianIou, hungarianIouFromPairwise } from './hungarian.js';
import { pairwiseIou } from './pairwise.js';

const m = (...bits: number[]): Uint8Array => Uint8Array.from(bits);

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function* permutations(n: number): Generator<number[]> {
  const a = Array.from({ length: n }, (_, i) => i);
  const c = new Array<number>(n).fill(0);
  yield a.slice();
  let i = 0;
  while (i < n) {
    if (c[i] < i) {
      const j = i % 2 === 0 ? 0 : c[i];
      [a[j], a[i]] = [a[i], a[j]];
      yield a.slice();
      c[i]++;
      i = 0;
    } else {
      c[i] = 0;
      i++;
    }
  }
}

/** Best mean IoU over all m! matchings of samples to raters tiled to m (empty–empty = 1). */
function bruteForce(samples: Uint8Array[], raters: Uint8Array[]): number {
  const p = pairwiseIou(samples, raters);
  const n = raters.length;
  const at = (i: number, c: number): number => {
    const v = p.sy[i * n + (c % n)];
    return Number.isNaN(v) ? 1 : v;
  };
  let best = Number.NEGATIVE_INFINITY;
  for (const perm of permutations(samples.length)) {
    let total = 0;
    for (let i = 0; i < perm.length; i++) total += at(i, perm[i]);
    best = Math.max(best, total / perm.length);
  }
  return best;
}

test('by hand: S = {1100, ∅}, Y = {1000, ∅} → identity matching, (1/2 + 1)/2', () => {
  assert.equal(hungarianIou([m(1, 1, 0, 0), m(0, 0, 0, 0)], [m(1, 0, 0, 0), m(0, 0, 0, 0)]), 0.75);
});

test('raters are tiled to the sample count (4 samples, 2 raters → each rater twice)', () => {
  // two samples equal rater A, two equal rater B: a perfect matching exists only with tiling
  const a = m(1, 1, 0, 0);
  const b = m(0, 0, 1, 1);
  assert.equal(hungarianIou([a, b, a, b], [a, b]), 1);
  // three copies of A cannot all match A (only two A slots): best = (1 + 1 + 1 + 0)/4
  assert.equal(hungarianIou([a, a, a, b], [a, b]), 0.75);
});

test('optimal assignment equals brute force over all permutations (m ≤ 7, random masks incl. empties)', () => {
  const rand = lcg(7);
  for (let trial = 0; trial < 60; trial++) {
    const mCount = 2 + (trial % 6); // 2..7
    const nCount = 1 + (trial % 3); // 1..3
    const px = 12;
    const mask = (): Uint8Array => {
      const density = rand() < 0.2 ? 0 : rand() * 0.6;
      return new Uint8Array(px).map(() => (rand() < density ? 1 : 0));
    };
    const samples = Array.from({ length: mCount }, mask);
    const raters = Array.from({ length: nCount }, mask);
    const got = hungarianIouFromPairwise(pairwiseIou(samples, raters));
    const want = bruteForce(samples, raters);
    assert.ok(Math.abs(got - want) < 1e-12, `trial ${trial}: ${got} vs brute force ${want}`);
  }
});
