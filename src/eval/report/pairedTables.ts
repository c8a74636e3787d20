import { METRICS, type MetricInfo, type VariantRow } from './aggregate.js';
import type { TextTable } from './tables.js';
import { ALPHA, significantBest, type VariantComparisons } from './variantComparison.js';

/** `0.036`, `4.1e-5` for small p, `< 1e-300` where a p underflowed to 0, `—` when undefined. */
export function formatP(p: number | null): string {
  if (p === null || !Number.isFinite(p)) return '—';
  if (p === 0) return '< 1e-300';
  return p < 0.001 ? p.toExponential(1) : p.toFixed(3);
}

const signed = (v: number, d: number): string => `${v > 0 ? '+' : v < 0 ? '−' : ''}${Math.abs(v).toFixed(d)}`;

/** One table per tested metric: every compared pair's mean difference, its 95% CI and the two tests' p (raw and Holm). */
export function pairedTestTables(c: VariantComparisons): { metric: MetricInfo; table: TextTable }[] {
  return c.metrics.map((key) => {
    const metric = METRICS.find((m) => m.key === key) as MetricInfo;
    const header = ['Variants A − B', 'Images', 'Mean A − B', '95% CI', 't-test p', 'Holm', 'Wilcoxon p', 'Holm', `Better (${metric.better})`];
    const rows: string[][] = [];
    const best: boolean[][] = [];
    for (const pair of c.compared) {
      const m = pair.metrics[key];
      if (!m) continue;
      const d = metric.decimals + 1;
      const favoured = m.meanDifference === 0 ? '—' : m.meanDifference < 0 === (metric.better === 'lower') ? pair.a : pair.b;
      const significant = m.tTestPHolm !== null && m.tTestPHolm < ALPHA && m.meanDifference !== 0;
      rows.push([
        `${pair.a} − ${pair.b}`,
        m.n < pair.images ? `${m.n} of ${pair.images}` : String(m.n),
        signed(m.meanDifference, d),
        m.ci95 ? `[${signed(m.ci95[0], d)}, ${signed(m.ci95[1], d)}]` : '—',
        formatP(m.tTestP),
        formatP(m.tTestPHolm),
        formatP(m.wilcoxonP),
        formatP(m.wilcoxonPHolm),
        significant ? `${favoured} (significant)` : `${favoured} (not significant)`,
      ]);
      best.push(rows[rows.length - 1].map((_, j) => significant && (j === 5 || j === 8)));
    }
    return { metric, table: { header, rows, best } };
  });
}

export function pairedTestsNote(c: VariantComparisons): string {
  const pairs = c.compared.length;
  return (
    `Per metric, over the test images both variants were evaluated on (an image's value: the mean over a variant's runs that tested it; ` +
    `images where either value is undefined, e.g. GED (excl) with every mask empty, are left out): the paired t-test of A − B with the t-based 95% CI ` +
    `of the mean difference, and the Wilcoxon signed-rank test (zero differences dropped; exact below 51 pairs without ties, else the normal approximation ` +
    `with continuity correction). Holm: p adjusted by Holm's step-down method over the ${pairs} compared pair${pairs === 1 ? '' : 's'} of each metric. ` +
    `Significant: Holm-adjusted t-test p < ${ALPHA} (bold).`
  );
}

/** Variant → bold, per metric column: significance where the variants were compared, else the best mean. */
export interface BoldColumns {
  isBold(variant: string, metric: MetricInfo): boolean;
  note: string;
}

export function boldColumns(rows: readonly VariantRow[], metrics: readonly MetricInfo[], c: VariantComparisons | undefined): BoldColumns {
  const tested: string[] = [];
  const untested: string[] = [];
  const bold = new Map<string, Set<string>>();
  for (const m of metrics) {
    const means = rows.map((r) => ({ variant: r.variant, mean: r.metrics[m.key].mean }));
    const distinct = new Set(means.map((x) => x.mean).filter((v) => v !== null));
    if (distinct.size < 2) continue;
    const s = c ? significantBest(c, means, m.key, m.better) : { tested: false, best: null };
    if (s.tested) {
      tested.push(m.label);
      bold.set(m.key, new Set(s.best ? [s.best] : []));
    } else {
      untested.push(m.label);
      const values = means.map((x) => x.mean).filter((v): v is number => v !== null);
      const top = m.better === 'lower' ? Math.min(...values) : Math.max(...values);
      bold.set(m.key, new Set(means.filter((x) => x.mean === top).map((x) => x.variant)));
    }
  }
  const parts: string[] = [];
  if (tested.length)
    parts.push(
      `Bold in ${tested.join(', ')}: the best mean where a paired t-test over the test images, Holm-corrected over the variant pairs, ` +
        `finds it better than every other variant (p < ${ALPHA}; as Selvan et al. 2020; no bold: no significant best; tests under "Paired tests between variants").`,
    );
  if (untested.length) parts.push(`Bold in ${untested.join(', ')}: the best mean (no paired test possible between all variants; see the notes).`);
  return { isBold: (variant, m) => bold.get(m.key)?.has(variant) ?? false, note: parts.join(' ') };
}
