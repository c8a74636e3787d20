import { METRIC_KEYS, type MetricKey } from '../../run/schemas.js';
import { holm, pairedTest, type PairedTest } from './pairedStats.js';
import type { RunRecord } from './record.js';

/**
 * Paired comparisons of the variants over their test images (issue 28): for every pair of
 * variants evaluated on the same images, per metric a paired t-test and a Wilcoxon signed-rank
 * test of the per-image values, Holm-corrected over the pairs of that metric.
 *
 * An image's value for a variant is the mean over the variant's runs that evaluated it: one run
 * per image under k-fold CV (each fold tests other patients), several for repeated seeds on one
 * split. Pairs of variants whose image sets differ are not compared (and say so).
 */

/** The level at which a Holm-adjusted p marks a difference as significant. */
export const ALPHA = 0.05;

export interface MetricComparison extends PairedTest {
  /** Holm-adjusted over the compared pairs of this metric. */
  tTestPHolm: number | null;
  wilcoxonPHolm: number | null;
}

export interface PairComparison {
  a: string;
  b: string;
  /** Images both variants were evaluated on (= each one's image set). */
  images: number;
  /** Per metric with per-image values in both: the tests of a − b. */
  metrics: Partial<Record<MetricKey, MetricComparison>>;
}

export interface VariantComparisons {
  compared: PairComparison[];
  /** Pairs not compared, with the reason (different images, no per-image file). */
  skipped: { a: string; b: string; reason: string }[];
  /** Metrics tested in at least one pair, in table order. */
  metrics: MetricKey[];
}

type Group = { variant: string; runs: readonly RunRecord[] };

/** id → per-metric value (mean over the variant's runs that evaluated the image); null without per_image.json. */
function perImageValues(g: Group): Map<string, Partial<Record<MetricKey, number>>> | null {
  const runs = g.runs.filter((r) => r.perImage !== undefined);
  if (runs.length === 0) return null;
  const sums = new Map<string, Map<MetricKey, { sum: number; n: number }>>();
  for (const run of runs) {
    for (const row of run.perImage ?? []) {
      const id = String(row.id);
      const m = sums.get(id) ?? new Map<MetricKey, { sum: number; n: number }>();
      sums.set(id, m);
      for (const k of METRIC_KEYS) {
        const v = (row as Record<string, unknown>)[k];
        if (typeof v !== 'number' || !Number.isFinite(v)) continue;
        const s = m.get(k) ?? { sum: 0, n: 0 };
        s.sum += v;
        s.n++;
        m.set(k, s);
      }
    }
  }
  return new Map([...sums].map(([id, m]) => [id, Object.fromEntries([...m].map(([k, s]) => [k, s.sum / s.n]))]));
}

function sameKeys(a: ReadonlyMap<string, unknown>, b: ReadonlyMap<string, unknown>): number {
  let shared = 0;
  for (const id of a.keys()) if (b.has(id)) shared++;
  return shared;
}

/** Compares every pair of variants (in the given order; a − b with a first). */
export function compareVariants(groups: readonly Group[]): VariantComparisons {
  const values = groups.map(perImageValues);
  const compared: PairComparison[] = [];
  const skipped: VariantComparisons['skipped'] = [];
  for (let i = 0; i < groups.length; i++) {
    for (let j = i + 1; j < groups.length; j++) {
      const a = groups[i] as Group;
      const b = groups[j] as Group;
      const va = values[i];
      const vb = values[j];
      if (!va || !vb) {
        skipped.push({
          a: a.variant,
          b: b.variant,
          reason: `no per-image results (per_image.json) for ${[!va ? a.variant : null, !vb ? b.variant : null].filter(Boolean).join(' and ')}`,
        });
        continue;
      }
      const shared = sameKeys(va, vb);
      if (shared !== va.size || shared !== vb.size) {
        skipped.push({ a: a.variant, b: b.variant, reason: `evaluated on different test images (${va.size} and ${vb.size}, ${shared} in common)` });
        continue;
      }
      const ids = [...va.keys()].sort();
      const metrics: PairComparison['metrics'] = {};
      for (const k of METRIC_KEYS) {
        const x = ids.map((id) => va.get(id)?.[k] ?? Number.NaN);
        const y = ids.map((id) => vb.get(id)?.[k] ?? Number.NaN);
        const test = pairedTest(x, y);
        if (test.n > 0) metrics[k] = { ...test, tTestPHolm: null, wilcoxonPHolm: null };
      }
      compared.push({ a: a.variant, b: b.variant, images: ids.length, metrics });
    }
  }
  const metrics = METRIC_KEYS.filter((k) => compared.some((c) => c.metrics[k]));
  for (const k of metrics) {
    const tests = compared.map((c) => c.metrics[k]);
    const t = holm(tests.map((m) => m?.tTestP ?? null));
    const w = holm(tests.map((m) => m?.wilcoxonP ?? null));
    tests.forEach((m, i) => {
      if (!m) return;
      m.tTestPHolm = t[i] ?? null;
      m.wilcoxonPHolm = w[i] ?? null;
    });
  }
  return { compared, skipped, metrics };
}

/** The comparison of variants x and y on `key`, oriented as x − y; undefined when not compared. */
export function comparisonOf(c: VariantComparisons, x: string, y: string, key: MetricKey): MetricComparison | undefined {
  const pair = c.compared.find((p) => (p.a === x && p.b === y) || (p.a === y && p.b === x));
  const m = pair?.metrics[key];
  if (!pair || !m) return undefined;
  if (pair.a === x) return m;
  const ci95: [number, number] | null = m.ci95 ? [-m.ci95[1], -m.ci95[0]] : null;
  return { ...m, meanDifference: -m.meanDifference, ci95 };
}

/**
 * Which variant's value is bold in a Table-1 column: the variant with the best mean, when the
 * paired t-test (Holm-adjusted p < ALPHA) finds it better than every other variant. `tested`
 * is false when some other variant was not compared with it (then the table falls back to the
 * best mean and says so).
 */
export function significantBest(
  c: VariantComparisons,
  means: readonly { variant: string; mean: number | null }[],
  key: MetricKey,
  better: 'lower' | 'higher',
): { tested: boolean; best: string | null } {
  const known = means.filter((m): m is { variant: string; mean: number } => m.mean !== null);
  if (known.length < 2) return { tested: false, best: null };
  const sign = better === 'lower' ? -1 : 1;
  const top = known.reduce((u, v) => (sign * v.mean > sign * u.mean ? v : u));
  const others = known.filter((m) => m.variant !== top.variant);
  const tests = others.map((o) => comparisonOf(c, top.variant, o.variant, key));
  if (tests.some((t) => t === undefined)) return { tested: false, best: null };
  const wins = tests.every((t) => t !== undefined && t.tTestPHolm !== null && t.tTestPHolm < ALPHA && sign * t.meanDifference > 0);
  return { tested: true, best: wins ? top.variant : null };
}
