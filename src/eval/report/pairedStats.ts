import ttest from '@stdlib/stats-ttest';
import wilcoxon from '@stdlib/stats-wilcoxon';

/**
 * Paired tests over per-image values, through stdlib (checked against scipy in pairedStats.test.ts):
 * - the paired t-test of a − b (scipy.stats.ttest_rel), with the t-based 95% CI of the mean difference;
 * - the Wilcoxon signed-rank test (scipy.stats.wilcoxon, zero_method='wilcox'): zero differences
 *   dropped; exact null distribution for ≤ 50 non-zero differences without ties, else the normal
 *   approximation with tie correction and a 0.5 continuity correction (correction=True).
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
    const w = wilcoxon(x, y, { zeroMethod: 'wilcox', correction: true, alternative: 'two-sided' });
    // stdlib's exact branch doubles a one-sided tail that can pass 0.5 at the centre; scipy caps at 1.
    wilcoxonP = Math.min(1, w.pValue);
  }
  return { n, meanDifference, ci95, tTestP, wilcoxonP };
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
