import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import ranks from '@stdlib/stats-ranks';
import ttest from '@stdlib/stats-ttest';
import wilcoxon from '@stdlib/stats-wilcoxon';

/**
 * Paired tests over per-image values, through stdlib (checked against scipy in pairedStats.test.ts):
 * - the paired t-test of a − b (scipy.stats.ttest_rel), with the t-based 95% CI of the mean difference;
 * - the Wilcoxon signed-rank test (scipy.stats.wilcoxon, zero_method='wilcox'): zero differences
 *   dropped; exact null distribution for ≤ 50 non-zero differences without ties, else the normal
 *   approximation with tie correction and a 0.5 continuity correction (correction=True). stdlib
 *   takes the exact branch; the normal branch is computed here from the lower tail, 2·Φ(−|z|):
 *   stdlib's 2·(1 − Φ(|z|)) rounds every p below ~1e-16 to 0 (1,179 LIDC pairs: 0 against scipy's 1.3e-18).
 */
export interface PairedTest {
  /** Pairs compared (both values finite). */
  n: number;
  /** Mean of a − b. */
  meanDifference: number;
  /** 95% confidence interval of the mean difference (t distribution, n − 1 df); null when the test is. */
  ci95: [number, number] | null;
  /** Two-sided p of the paired t-test; null when undefined (n < 2, or every difference 0). Equal non-zero differences give 0, as scipy (t = ±∞). */
  tTestP: number | null;
  /** Two-sided p of the Wilcoxon signed-rank test; null when undefined (fewer than 2 pairs, or every difference 0). */
  wilcoxonP: number | null;
}

/** Both tests on the pairs (a[i], b[i]) whose members are both finite. */
export function pairedTest(a: readonly number[], b: readonly number[]): PairedTest {
  if (a.length !== b.length) throw new Error(`pairedTest: ${a.length} values against ${b.length}`);
  const x: number[] = [];
  const y: number[] = [];
  a.forEach((v, i) => {
    const w = b[i] as number;
    if (Number.isFinite(v) && Number.isFinite(w)) {
      x.push(v);
      y.push(w);
    }
  });
  const n = x.length;
  const d = x.map((v, i) => v - (y[i] as number));
  const meanDifference = n ? d.reduce((s, v) => s + v, 0) / n : Number.NaN;
  const spread = d.some((v) => v !== d[0]);
  let ci95: [number, number] | null = null;
  let tTestP: number | null = null;
  if (n >= 2 && spread) {
    const t = ttest(x, y, { alpha: 0.05, alternative: 'two-sided' });
    tTestP = t.pValue;
    ci95 = [t.ci[0] as number, t.ci[1] as number];
  } else if (n >= 2 && meanDifference !== 0) {
    tTestP = 0;
    ci95 = [meanDifference, meanDifference];
  }
  let wilcoxonP: number | null = null;
  if (n >= 2 && d.some((v) => v !== 0)) {
    const normal = wilcoxonNormalP(d);
    // stdlib's exact branch doubles a one-sided tail that can pass 0.5 at the centre; scipy caps at 1.
    wilcoxonP = normal ?? Math.min(1, wilcoxon(x, y, { zeroMethod: 'wilcox', correction: true, alternative: 'two-sided' }).pValue);
  }
  return { n, meanDifference, ci95, tTestP, wilcoxonP };
}

/**
 * The signed-rank test's normal approximation (scipy.stats.wilcoxon, zero_method='wilcox',
 * correction=True, method='approx'), or null where stdlib (and scipy's method='auto') take the
 * exact distribution: at most 50 non-zero differences, no zero difference and no tied |d|.
 */
function wilcoxonNormalP(differences: readonly number[]): number | null {
  const d = differences.filter((v) => v !== 0);
  const n = d.length;
  const rank = ranks(d.map(Math.abs)) as number[]; // average ranks of |d|
  const tieCounts = new Map<number, number>();
  for (const r of rank) tieCounts.set(r, (tieCounts.get(r) ?? 0) + 1);
  const ties = tieCounts.size < n;
  if (n <= 50 && n === differences.length && !ties) return null;
  const rankSumPositive = d.reduce((s, v, i) => (v > 0 ? s + (rank[i] as number) : s), 0);
  const mean = (n * (n + 1)) / 4;
  let tieCorrection = 0;
  for (const c of tieCounts.values()) tieCorrection += 0.5 * c * (c * c - 1);
  const variance = (n * (n + 1) * (2 * n + 1) - tieCorrection) / 24;
  const z = (rankSumPositive - mean - 0.5 * Math.sign(rankSumPositive - mean)) / Math.sqrt(variance);
  return Math.min(1, 2 * normalCdf(-Math.abs(z), 0, 1));
}

/**
 * Holm's step-down adjustment (Holm 1979): sort the m p-values ascending, multiply the k-th
 * smallest by (m − k + 1), carry the running maximum, cap at 1. Nulls (no test) are left out
 * of m and stay null.
 */
export function holm(pValues: readonly (number | null)[]): (number | null)[] {
  const order = pValues
    .map((p, i) => ({ p, i }))
    .filter((e): e is { p: number; i: number } => e.p !== null && Number.isFinite(e.p))
    .sort((u, v) => u.p - v.p);
  const m = order.length;
  const out: (number | null)[] = pValues.map(() => null);
  let running = 0;
  order.forEach((e, k) => {
    running = Math.max(running, Math.min(1, (m - k) * e.p));
    out[e.i] = running;
  });
  return out;
}
