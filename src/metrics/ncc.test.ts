import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FlowsegInputError } from '../util/errors.js';
import { gammaMap, ncc } from './ncc.js';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** PHiSeg's variance_ncc_dist written out literally: two-class maps, explicit E_s over samples. */
function literalNcc(samples: Float64Array[], raters: Uint8Array[], eps = 1e-8): number {
  const size = samples[0].length;
  const ce = (t1: number, p: number): number => -((1 - t1) * Math.log(1 - p + eps) + t1 * Math.log(p + eps));
  const mean = (f: (s: Float64Array) => number): number => samples.reduce((acc, s) => acc + f(s), 0) / samples.length;
  const gamma = Array.from({ length: size }, (_, k) => {
    const sBar = mean((s) => s[k]);
    return mean((s) => ce(sBar, s[k]));
  });
  const corr = (a: number[], v: number[]): number => {
    const ma = a.reduce((x, y) => x + y) / a.length;
    const mv = v.reduce((x, y) => x + y) / v.length;
    const sa = Math.sqrt(a.reduce((x, y) => x + (y - ma) ** 2, 0) / a.length);
    const sv = Math.sqrt(v.reduce((x, y) => x + (y - mv) ** 2, 0) / v.length);
    return a.reduce((acc, y, k) => acc + ((y - ma) / (sa * a.length)) * ((v[k] - mv) / sv), 0);
  };
  let total = 0;
  for (const y of raters) {
    const eSy = Array.from({ length: size }, (_, k) => mean((s) => ce(y[k], s[k])));
    total += corr(gamma, eSy);
  }
  return total / raters.length;
}

test('ncc equals a literal transcription of PHiSeg variance_ncc_dist on random maps', () => {
  const rand = lcg(3);
  for (let trial = 0; trial < 5; trial++) {
    const size = 40;
    const samples = Array.from({ length: 8 }, () => Float64Array.from({ length: size }, () => rand()));
    const raters = Array.from({ length: 3 }, () => Uint8Array.from({ length: size }, () => (rand() < 0.4 ? 1 : 0)));
    const got = ncc(samples, raters);
    const want = literalNcc(samples, raters);
    assert.ok(Math.abs(got - want) < 1e-12, `${got} vs ${want}`);
    assert.ok(got >= -1 - 1e-12 && got <= 1 + 1e-12);
  }
});

test('γ-map is 0 where all samples agree and largest where they split', () => {
  const g = gammaMap([Float32Array.from([0.999, 0.999, 0.5]), Float32Array.from([0.999, 0.001, 0.5])]);
  assert.ok(g[0] < 0.01);
  assert.ok(g[1] > g[2]);
});

test('identical binary samples: γ-map is constant → NaN (numpy 0/0)', () => {
  const s = Uint8Array.from([1, 0, 1, 0]);
  assert.ok(Number.isNaN(ncc([s, s], [Uint8Array.from([1, 1, 0, 0])])));
});

test('ncc input checks', () => {
  assert.throws(() => ncc([], [Uint8Array.from([1])]), FlowsegInputError);
  assert.throws(() => ncc([new Float32Array(3)], [new Uint8Array(2)]), FlowsegInputError);
});
