import { METRICS, type Cell, type MetricInfo, type VariantRow } from './aggregate.js';
import { relative } from 'node:path';
import { METRIC_KEYS } from '../../run/schemas.js';

/** The results table as plain strings, shared by the Markdown and HTML writers. */
export interface TextTable {
  header: string[];
  rows: string[][];
  /** [row][column] true where the cell holds the column's best mean (bold in output). */
  best: boolean[][];
}

/** `0.291 ± 0.012`; a single run prints its value alone; no value prints `—`. */
export function formatCell(c: Cell, decimals: number): string {
  if (c.mean === null) return '—';
  return c.std === null ? c.mean.toFixed(decimals) : `${c.mean.toFixed(decimals)} ± ${c.std.toFixed(decimals)}`;
}

/** Metric columns that at least one variant has a value for. */
export function shownMetrics(rows: readonly VariantRow[]): MetricInfo[] {
  return METRICS.filter((m) => rows.some((r) => r.metrics[m.key].n > 0));
}

function foldsText(r: VariantRow): string {
  const folds = r.runs.map((x) => x.fold).filter((f): f is number => f !== null);
  return folds.length ? `${r.runs.length} (${folds.join(', ')})` : String(r.runs.length);
}

function usedText(r: VariantRow): string {
  const parts: string[] = [];
  // "< 1 epochs" when no run of the variant completed an epoch (the fraction is then unknown).
  if (r.used.epochs.mean !== null)
    parts.push(
      `${r.used.epochs.mean.toFixed(1)} epochs${r.used.epochs.n < r.runs.length ? ` (${r.used.epochs.n} of ${r.runs.length} runs completed an epoch)` : ''}`,
    );
  else if (r.used.steps.mean !== null) parts.push('< 1 epoch');
  if (r.used.steps.mean !== null) parts.push(`${Math.round(r.used.steps.mean)} steps`);
  if (r.used.minutes.mean !== null) parts.push(`${r.used.minutes.mean.toFixed(1)} min`);
  return parts.length ? parts.join(', ') : '—';
}

/** Table 1 layout: one row per variant, mean ± std over folds per metric, then the budget. */
export function resultsTable(rows: readonly VariantRow[]): TextTable {
  const metrics = shownMetrics(rows);
  const header = ['Variant', 'Folds', ...metrics.map((m) => `${m.label} ${m.better === 'lower' ? '↓' : '↑'}`), 'Budget (per fold)', 'Used (mean per fold)'];
  const bestMean = metrics.map((m) => {
    const means = rows.map((r) => r.metrics[m.key].mean).filter((v): v is number => v !== null);
    if (means.length < 2 || means.every((v) => v === means[0])) return null;
    return m.better === 'lower' ? Math.min(...means) : Math.max(...means);
  });
  return {
    header,
    rows: rows.map((r) => [r.variant, foldsText(r), ...metrics.map((m) => formatCell(r.metrics[m.key], m.decimals)), r.budget, usedText(r)]),
    best: rows.map((r) => [false, false, ...metrics.map((m, j) => bestMean[j] !== null && r.metrics[m.key].mean === bestMean[j]), false, false]),
  };
}

/** Per-run table (an audit trail under the summary). */
export function runsTable(rows: readonly VariantRow[]): TextTable {
  const metrics = shownMetrics(rows);
  const header = ['Variant', 'Fold', 'Seed', ...metrics.map((m) => m.label), 'Epochs', 'Minutes', 'Images', 'Folder'];
  const fmt = (v: number | null, d: number): string => (v === null ? '—' : v.toFixed(d));
  const out = rows.flatMap((r) =>
    r.runs.map((x) => [
      x.variant,
      x.fold === null ? '—' : String(x.fold),
      x.seed === null ? '—' : String(x.seed),
      ...metrics.map((m) => fmt(x.metrics[m.key], m.decimals)),
      x.used.epochs === null ? (x.used.steps === null ? '—' : '< 1') : String(x.used.epochs),
      fmt(x.used.minutes, 1),
      x.images === null ? '—' : String(x.images),
      relative(process.cwd(), x.dir) || '.',
    ]),
  );
  return { header, rows: out, best: out.map((row) => row.map(() => false)) };
}

/** A GitHub-flavoured Markdown table; best cells in bold. */
export function markdownTable(t: TextTable): string {
  const cell = (s: string): string => s.replace(/\|/g, '\\|');
  const lines = [
    `| ${t.header.map(cell).join(' | ')} |`,
    `| ${t.header.map((_, j) => (j < 1 ? '---' : ':---:')).join(' | ')} |`,
    ...t.rows.map((row, i) => `| ${row.map((s, j) => (t.best[i][j] ? `**${cell(s)}**` : cell(s))).join(' | ')} |`),
  ];
  return lines.join('\n');
}

function csvField(v: string | number | null): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Machine-readable table: full-precision numbers, empty fields where undefined. */
export function resultsCsv(rows: readonly VariantRow[]): string {
  const header = [
    'variant',
    'n_runs',
    'folds',
    ...METRIC_KEYS.flatMap((k) => [`${k}_mean`, `${k}_std`, `${k}_n`]),
    'budget',
    'epochs_used_mean',
    'steps_used_mean',
    'minutes_used_mean',
  ];
  const lines = rows.map((r) =>
    [
      r.variant,
      r.runs.length,
      r.runs.map((x) => x.fold ?? '').join(' '),
      ...METRIC_KEYS.flatMap((k) => [r.metrics[k].mean, r.metrics[k].std, r.metrics[k].n]),
      r.budget,
      r.used.epochs.mean,
      r.used.steps.mean,
      r.used.minutes.mean,
    ]
      .map(csvField)
      .join(','),
  );
  return `${[header.join(','), ...lines].join('\n')}\n`;
}
