import { METRICS, type Cell, type MetricInfo, type RunRow, type VariantRow } from './aggregate.js';
import type { PaperProtocol, PaperRow } from './references.js';
import { boldColumns, type BoldColumns } from './pairedTables.js';
import { relative } from 'node:path';
import { METRIC_KEYS } from '../../run/schemas.js';

/** The results table as plain strings, shared by the Markdown and HTML writers. */
export interface TextTable {
  header: string[];
  rows: string[][];
  /** [row][column] true where the cell is bold in output (Table 1: the column's significantly best or best mean). */
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

/** The mark of a published row, so it is never read as one of ours. */
export const PAPER_MARK = '📄 paper:';

/**
 * Table 1 layout: one row per variant, mean ± std over folds per metric, then the budget.
 * `papers` rows (published numbers) follow ours, marked with PAPER_MARK and never bold.
 */
export function resultsTable(rows: readonly VariantRow[], papers: readonly PaperRow[] = [], bold?: BoldColumns): TextTable {
  const metrics = shownMetrics(rows);
  const header = ['Variant', 'Folds', ...metrics.map((m) => `${m.label} ${m.better === 'lower' ? '↓' : '↑'}`), 'Budget (per fold)', 'Used (mean per fold)'];
  const ours = oursTable(rows, metrics, header, bold ?? boldColumns(rows, metrics, undefined));
  const shown = papers.filter((p) => metrics.some((m) => p.metrics[m.key]));
  const paperRows = shown.map((p) => [
    `${PAPER_MARK} ${p.label}`,
    '(reported)',
    ...metrics.map((m) => {
      const v = p.metrics[m.key];
      return v ? formatCell({ mean: v.mean, std: v.std ?? null, n: 1 }, 2) : '—';
    }),
    'see protocol below',
    '—',
  ]);
  return { header, rows: [...ours.rows, ...paperRows], best: [...ours.best, ...paperRows.map((r) => r.map(() => false))] };
}

/** Our rows; bold cells as `bold` decides per column (paired significance, or the best mean). */
function oursTable(rows: readonly VariantRow[], metrics: readonly MetricInfo[], header: string[], bold: BoldColumns): TextTable {
  return {
    header,
    rows: rows.map((r) => [r.variant, foldsText(r), ...metrics.map((m) => formatCell(r.metrics[m.key], m.decimals)), r.budget, usedText(r)]),
    best: rows.map((r) => [false, false, ...metrics.map((m) => bold.isBold(r.variant, m)), false, false]),
  };
}

function reachedText(x: RunRow): string {
  const u = x.used;
  const epochs = u.epochs === null ? (u.steps === null ? '—' : '< 1 epoch') : `${u.epochs} epochs`;
  return [epochs, u.steps === null ? null : `${u.steps} steps`, u.minutes === null ? null : `${u.minutes.toFixed(1)} min`].filter(Boolean).join(', ');
}

/**
 * How each run was trained next to the paper's protocol: data, split, lr, batch, width, other
 * choices (augmentation, output-bias init), budget and what was reached. Bold (the `best` flags): differs from the paper.
 */
export function setupTable(rows: readonly VariantRow[], protocol?: PaperProtocol): TextTable {
  const header = ['Run', 'Data (train / val / test items)', 'Split', 'lr', 'Batch', 'Filters', 'Other', 'Budget', 'Reached'];
  const runs = rows.flatMap((r) => r.runs);
  const out = runs.map((x) => {
    const name = `${x.variant}${x.fold === null ? '' : ` · fold ${x.fold}`}${x.setup?.profile ? ` (profile ${x.setup.profile})` : ''}`;
    // An evaluation folder without its run: its training is on the model's card, not here.
    if (!x.setup) return [name, `— (${x.origin ?? 'no config.json'})`, '—', '—', '—', '—', '—', '—', '—'];
    return [
      name,
      `${x.setup.data ?? x.dataset ?? '—'}${x.setup.items ? ` (${x.setup.items})` : ''}`,
      x.setup.split,
      x.setup.lr ?? '—',
      x.setup.batch === null ? '—' : String(x.setup.batch),
      x.setup.filters ?? '—',
      x.setup.other ?? '—',
      x.budget,
      reachedText(x),
    ];
  });
  if (!protocol) return { header, rows: out, best: out.map((row) => row.map(() => false)) };
  const paper = [
    `${PAPER_MARK} ${protocol.source}`,
    protocol.data,
    protocol.split,
    String(protocol.lr),
    String(protocol.batch),
    protocol.filters,
    '—',
    protocol.budget,
    '—',
  ];
  // Data, budget and what was reached are always the paper's or not by construction; flag the settings.
  const differs = (row: string[], known: boolean): boolean[] =>
    row.map((v, j) => known && j >= 2 && j <= 6 && v !== paper[j] && !(j === 2 && sameSplitKind(v, paper[j])));
  return { header, rows: [...out, paper], best: [...out.map((row, i) => differs(row, runs[i]?.setup !== null)), paper.map(() => false)] };
}

/** `fold 0 of 10 …` matches the paper's `10-fold CV …`; `60/20/20 …` matches `60/20/20 …`. */
function sameSplitKind(ours: string, paper: string): boolean {
  const folds = /fold \d+ of (\d+)/.exec(ours)?.[1];
  if (folds) return paper.startsWith(`${folds}-fold`);
  const fr = /^(\d+\/\d+\/\d+)/.exec(ours)?.[1];
  return fr !== undefined && paper.startsWith(fr);
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

/**
 * How often each run draws an empty mask, by how many of an image's rater masks are empty: one
 * column per "k of R raters empty", cells `43% (219)` = share of empty samples (images). A model
 * that follows the raters sits near k / R. Null when no run has the table (older evaluations).
 */
export function emptinessTable(rows: readonly VariantRow[]): TextTable | null {
  const runs = rows.flatMap((r) => r.runs);
  if (runs.every((x) => x.emptiness === null)) return null;
  const keys = [...new Map(runs.flatMap((x) => x.emptiness ?? []).map((g) => [`${g.raters}/${g.emptyRaters}`, g] as const)).values()].sort(
    (a, b) => a.raters - b.raters || a.emptyRaters - b.emptyRaters,
  );
  const header = [
    'Variant',
    'Fold',
    ...keys.map((k) => `${k.emptyRaters} of ${k.raters} raters empty (ideal ${Math.round((100 * k.emptyRaters) / k.raters)}%)`),
  ];
  const out = runs.map((x) => [
    x.variant,
    x.fold === null ? '—' : String(x.fold),
    ...keys.map((k) => {
      const g = x.emptiness?.find((e) => e.raters === k.raters && e.emptyRaters === k.emptyRaters);
      return g ? `${Math.round(100 * g.emptySamples)}% (${g.images})` : '—';
    }),
  ]);
  return { header, rows: out, best: out.map((row) => row.map(() => false)) };
}

export const EMPTINESS_NOTE =
  'Share of samples with no foreground pixel (number of test images in parentheses), grouped by how many of the image’s rater masks are empty. ' +
  'A model whose samples follow the raters draws empty masks about as often as they did (the ideal in each header); HM-IoU and GED (incl) pay for every mismatch.';

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
