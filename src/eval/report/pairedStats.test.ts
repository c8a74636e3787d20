import { test } from 'node:test';
import assert from 'node:assert/strict';
import { holm, pairedTest } from './pairedStats.js';

// Reference values: scipy 1.17.1 (numpy 2.4.6), computed once; the calls are named beside each.
const close = (got: number | null, want: number, tol = 1e-9, what = ''): void => {
  assert.ok(got !== null && Math.abs(got - want) <= tol * Math.max(1, Math.abs(want)), `${what}: ${got} vs scipy ${want}`);
};

// Dyadic values, so every difference is exact in binary and no tie is made by rounding.
const A = [0.5, 0.25, 0.75, 0.125, 0.625, 0.375, 0.3125, 0.4375];
const A_DIFF = [0.03125, 0.015625, -0.0078125, 0.0625, 0.078125, -0.046875, 0.09375, 0.0546875];
const B = A.map((v, i) => v + (A_DIFF[i] as number));

test('paired t-test and exact Wilcoxon, 8 pairs without ties: as scipy', () => {
  const r = pairedTest(A, B);
  assert.equal(r.n, 8);
  close(r.meanDifference, -0.03515625, 1e-15, 'mean difference');
  // scipy.stats.ttest_rel(a, b).pvalue; .confidence_interval(0.95)
  close(r.tTestP, 0.07158180033792966, 1e-9, 't p');
  close(r.ci95?.[0] ?? null, -0.07434473070139272, 1e-9, 'ci low');
  close(r.ci95?.[1] ?? null, 0.0040322307013927125, 1e-9, 'ci high');
  // scipy.stats.wilcoxon(a, b, zero_method='wilcox', correction=True, method='exact').pvalue  (statistic 5)
  close(r.wilcoxonP, 0.078125, 1e-12, 'wilcoxon p');
});

test('ties and zero differences: the normal approximation with continuity correction, as scipy', () => {
  const c = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const d = [1, 2.5, 2, 5, 4, 6.5, 5, 9, 9.5, 7]; // differences 0, −½, 1, −1, 1, −½, 2, −1, −½, 3
  const r = pairedTest(c, d);
  // scipy.stats.ttest_rel(c, d)
  close(r.tTestP, 0.4351268779661979, 1e-9, 't p');
  close(r.ci95?.[0] ?? null, -0.6193313380167289, 1e-9, 'ci low');
  close(r.ci95?.[1] ?? null, 1.3193313380167289, 1e-9, 'ci high');
  // scipy.stats.wilcoxon(c, d, zero_method='wilcox', correction=True, method='approx').pvalue  (statistic 17)
  close(r.wilcoxonP, 0.5486660989062389, 1e-9, 'wilcoxon p');
});

test('60 pairs: the normal approximation (more than 50 differences), as scipy', () => {
  const x = Array.from({ length: 60 }, (_, i) => 0.3 + 0.2 * Math.sin(i));
  const y = x.map((v, i) => v + 0.01 * Math.cos(3 * i) + 0.003);
  const r = pairedTest(x, y);
  // scipy.stats.ttest_rel(x, y) with x = [0.3 + 0.2·sin i], y = x + 0.01·cos 3i + 0.003, i < 60
  close(r.tTestP, 0.0009530301551519407, 1e-8, 't p');
  close(r.ci95?.[0] ?? null, -0.004927960892665157, 1e-8, 'ci low');
  close(r.ci95?.[1] ?? null, -0.0013289801831068637, 1e-8, 'ci high');
  // scipy.stats.wilcoxon(x, y, zero_method='wilcox', correction=True, method='approx').pvalue  (statistic 497)
  close(r.wilcoxonP, 0.00211585489948299, 1e-8, 'wilcoxon p');
});

test('exact Wilcoxon at the centre of the null distribution is capped at 1, as scipy', () => {
  // scipy.stats.wilcoxon([1, -2, -3, 4], zero_method='wilcox', method='exact').pvalue == 1.0 (stdlib alone gives 9/8)
  assert.equal(pairedTest([1, -2, -3, 4], [0, 0, 0, 0]).wilcoxonP, 1);
});

test('Wilcoxon p far below 1e-16 keeps its size (the normal tail, not 1 − Φ), as scipy', () => {
  const relative = (got: number | null, want: number, what: string): void =>
    assert.ok(got !== null && Math.abs(got - want) <= 1e-9 * want, `${what}: ${got} vs scipy ${want}`);
  // x = 0.5 + 0.001·i (i = 1…200), y = 0.5: every difference positive, no ties
  // scipy.stats.wilcoxon(x, y, zero_method='wilcox', correction=True, method='approx').pvalue
  const i200 = Array.from({ length: 200 }, (_, i) => i + 1);
  relative(
    pairedTest(
      i200.map((i) => 0.5 + 0.001 * i),
      i200.map(() => 0.5),
    ).wilcoxonP,
    1.4470017348102398e-34,
    'all positive',
  );
  // d = (i mod 7) − 1 for i < 300 (zeros and tied ranks), x = 10 + d, y = 10: the same call
  const i300 = Array.from({ length: 300 }, (_, i) => (i % 7) - 1);
  relative(
    pairedTest(
      i300.map((d) => 10 + d),
      i300.map(() => 10),
    ).wilcoxonP,
    2.1705106206520498e-35,
    'ties and zeros',
  );
});

test('pairs with a missing member are dropped; undefined tests are null', () => {
  const r = pairedTest([1, Number.NaN, 3, 2], [0.5, 1, Number.NaN, 1]);
  assert.equal(r.n, 2);
  assert.equal(r.meanDifference, 0.75);
  // every difference 1: scipy.stats.ttest_rel([1, 2, 3], [0, 1, 2]) gives t = inf, p = 0.0
  const same = pairedTest([1, 2, 3], [0, 1, 2]);
  assert.deepEqual([same.tTestP, same.ci95], [0, [1, 1]]);
  // three tied ranks → the normal approximation (scipy's method='auto' would take the exact 0.25 here):
  // scipy.stats.wilcoxon([1, 2, 3], [0, 1, 2], zero_method='wilcox', correction=True, method='approx').pvalue
  close(same.wilcoxonP, 0.14891467317876572, 1e-9, 'tied wilcoxon p');
  const equal = pairedTest([1, 2], [1, 2]);
  assert.deepEqual([equal.tTestP, equal.wilcoxonP, equal.meanDifference], [null, null, 0]);
  assert.deepEqual(pairedTest([1], [2]), { n: 1, meanDifference: -1, ci95: null, tTestP: null, wilcoxonP: null });
});

test("Holm's step-down adjustment, by hand", () => {
  // sorted 0.01, 0.02, 0.04 (m = 3): 3·0.01 = 0.03, 2·0.02 = 0.04, max(0.04, 1·0.04) = 0.04
  assert.deepEqual(holm([0.04, 0.01, 0.02]), [0.04, 0.03, 0.04]);
  // monotone: 0.03·3 = 0.09, then 2·0.031 = 0.062 → raised to 0.09, then 1·0.9; nulls stay out of m
  const h = holm([0.03, null, 0.031, 0.9]);
  assert.equal(h[1], null);
  close(h[0], 0.09, 1e-12, 'first');
  close(h[2], 0.09, 1e-12, 'second');
  assert.equal(h[3], 0.9);
  assert.deepEqual(holm([0.6, 0.7]), [1, 1]); // 2·0.6 capped at 1, then the running maximum
  assert.deepEqual(holm([0.2]), [0.2]);
});
