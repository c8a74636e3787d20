import { esc } from '../render/svg.js';
import { pngDataUri } from '../render/png.js';
import type { VariantRow } from './aggregate.js';
import type { Figure } from './figures.js';
import type { PaperReference } from './references.js';
import { EMPTINESS_NOTE, emptinessTable, markdownTable, PAPER_MARK, resultsTable, runsTable, setupTable, shownMetrics, type TextTable } from './tables.js';
import { boldColumns, pairedTestsNote, pairedTestTables } from './pairedTables.js';
import type { VariantComparisons } from './variantComparison.js';
import { CALIBRATION_NOTE, calibrationTable, type VariantCalibration } from './calibration.js';
import { COVERAGE_NOTE, coverageByDrawnTable, coverageByRaterTable, type VariantCoverage } from './coverage.js';

/** Everything a report document shows; Markdown and HTML render the same content. */
export interface ReportContent {
  generated: string;
  rows: VariantRow[];
  /** Per variant; `note` says why figures are missing (an evaluation folder has no training curves). */
  figures: { variant: string; plots: Figure[]; examples: Figure[]; note?: string }[];
  /** Figures overlaying all variants (GED vs samples, training terms). */
  comparison: Figure[];
  /** The paper whose rows and protocol sit beside ours, if any. */
  reference?: PaperReference;
  /** Paired tests between the variants (issue 28); decide Table 1's bold cells. */
  comparisons: VariantComparisons;
  /** Pixel calibration per variant (runs evaluated since issue 28), and its reliability diagram. */
  calibration: VariantCalibration[];
  reliability?: Figure;
  /** Per-rater coverage per variant (runs evaluated since issue 28). */
  coverage: VariantCoverage[];
  notes: string[];
}

/** HTML embeds at most this many example grids per run (all are in figures/…/examples/). */
export const HTML_EXAMPLES_PER_RUN = 2;

const LEGEND_NOTE =
  'Mean ± sample standard deviation over folds (n − 1 denominator; a single fold shows its value alone). ' +
  "Each fold's value is the mean over its test images. " +
  'GED is the tables’ D²_GED (not square-rooted); excl/incl: pairs of two empty masks dropped (Kohl) or scored IoU = 1 (PHiSeg). ' +
  'HM-IoU: Hungarian-matched IoU. −CLL: negative conditional log-likelihood in nats (lower is better). — : not measured.';

function provenance(rows: readonly VariantRow[]): string {
  const runs = rows.flatMap((r) => r.runs);
  const uniq = (xs: (string | number | null)[]): string => [...new Set(xs.filter((x) => x !== null && x !== '').map(String))].join(', ') || 'unknown';
  return (
    `Dataset: ${uniq(runs.map((r) => r.dataset))}; samples per image: ${uniq(runs.map((r) => r.samples))}; ` +
    `test images per fold: ${uniq(runs.map((r) => r.images))}; commit: ${uniq(runs.map((r) => r.commit))}.`
  );
}

function budgetLines(rows: readonly VariantRow[]): string[] {
  return rows.map((r) => `${r.variant}: budget ${r.budget}`);
}

function paperNote(c: ReportContent): string | undefined {
  if (!c.reference) return undefined;
  return (
    `Rows marked "${PAPER_MARK}" are the published numbers (${c.reference.title}), copied from the papers, not ours; ` +
    `they come from other data splits and far longer GPU training (protocol below). ${c.reference.notes.join(' ')}`
  );
}

const SETUP_NOTE = 'Bold: a setting that differs from the paper’s protocol (last row). Epochs reached are fractional: optimizer steps over steps per epoch.';

function setupHeading(c: ReportContent): string {
  return c.reference ? `How each run was trained, next to ${c.reference.protocol.source}` : 'How each run was trained';
}

function summaryLine(c: ReportContent): string {
  const entries = c.rows.flatMap((r) => r.runs);
  const plural = (k: number, word: string): string => `${k} ${word}${k === 1 ? '' : 's'}`;
  const evaluations = entries.filter((r) => r.origin !== null).length;
  const runs = entries.length - evaluations;
  const from = evaluations
    ? `${runs ? `${plural(runs, 'run')} and ` : ''}${plural(evaluations, 'evaluation folder')} (models without their run)`
    : plural(runs, 'run');
  return `Generated ${c.generated} from ${from} of ${plural(c.rows.length, 'variant')}.`;
}

/** Table 1 with its bold cells (paired significance where tested) and the legend that says how they were chosen. */
function results(c: ReportContent): { table: TextTable; legend: string } {
  const bold = boldColumns(c.rows, shownMetrics(c.rows), c.comparisons);
  return { table: resultsTable(c.rows, c.reference?.rows, bold), legend: `${LEGEND_NOTE}${bold.note ? ` ${bold.note}` : ''}` };
}

const PAIRED_HEADING = 'Paired tests between variants';
const CALIBRATION_HEADING = 'Calibration and empty masks';
const COVERAGE_HEADING = 'Per-rater coverage';

/** Why pairs were not compared, one line each. */
function skippedPairs(c: ReportContent): string[] {
  return c.comparisons.skipped.map((s) => `${s.a} and ${s.b}: not compared, ${s.reason}.`);
}

function pairedMarkdown(c: ReportContent): string[] {
  if (c.rows.length < 2) return [];
  const out = [`## ${PAIRED_HEADING}`, ''];
  for (const { metric, table } of pairedTestTables(c.comparisons)) out.push(`### ${metric.label}`, '', markdownTable(table), '');
  if (c.comparisons.compared.length) out.push(pairedTestsNote(c.comparisons), '');
  out.push(...skippedPairs(c).map((l) => `- ${l}`), ...(c.comparisons.skipped.length ? [''] : []));
  return out;
}

function calibrationMarkdown(c: ReportContent): string[] {
  const emptiness = emptinessTable(c.rows);
  if (!c.calibration.length && !emptiness) return [];
  const out = [`## ${CALIBRATION_HEADING}`, ''];
  if (c.reliability) out.push(`![${c.reliability.title}](${c.reliability.file})`, '');
  if (c.calibration.length) out.push(markdownTable(calibrationTable(c.calibration)), '', CALIBRATION_NOTE, '');
  else out.push('Calibration: not available (these runs were evaluated before `flowseg evaluate` recorded calibration bins; evaluate again to add it).', '');
  if (emptiness) out.push('### Empty masks: samples against raters', '', markdownTable(emptiness), '', EMPTINESS_NOTE, '');
  return out;
}

function coverageMarkdown(c: ReportContent): string[] {
  if (!c.coverage.length) return [];
  return [
    `## ${COVERAGE_HEADING}`,
    '',
    markdownTable(coverageByRaterTable(c.coverage)),
    '',
    markdownTable(coverageByDrawnTable(c.coverage)),
    '',
    COVERAGE_NOTE,
    '',
  ];
}

export function reportMarkdown(c: ReportContent): string {
  const r = results(c);
  const out: string[] = ['# flowseg report', '', summaryLine(c), '', '## Results', '', markdownTable(r.table), ''];
  out.push(r.legend, '', ...(paperNote(c) ? [paperNote(c) as string, ''] : []), provenance(c.rows), '', '**Training budget per fold.**', '');
  out.push(...budgetLines(c.rows).map((l) => `- ${l}`), '', `## ${setupHeading(c)}`, '', markdownTable(setupTable(c.rows, c.reference?.protocol)), '');
  if (c.reference) out.push(SETUP_NOTE, '');
  out.push('## Per-run results', '', markdownTable(runsTable(c.rows)), '');
  out.push(...pairedMarkdown(c), ...calibrationMarkdown(c), ...coverageMarkdown(c));
  if (c.comparison.length) {
    out.push('## Variants compared', '');
    for (const f of c.comparison) out.push(`![${f.title}](${f.file})`, '');
  }
  out.push('## Figures', '');
  for (const v of c.figures) {
    out.push(`### ${v.variant}`, '', ...(v.note ? [v.note, ''] : []));
    for (const f of [...v.plots, ...v.examples]) out.push(`![${f.title}](${f.file})`, '');
  }
  if (c.notes.length) out.push('## Notes', '', ...c.notes.map((n) => `- ${n}`), '');
  return out.join('\n');
}

function htmlTable(t: TextTable, cls: string): string {
  const head = `<tr>${t.header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>`;
  const body = t.rows.map((row, i) => `<tr>${row.map((s, j) => `<td${t.best[i][j] ? ' class="best"' : ''}>${esc(s)}</td>`).join('')}</tr>`).join('\n');
  return `<div class="wrap"><table class="${cls}"><thead>${head}</thead><tbody>\n${body}\n</tbody></table></div>`;
}

function htmlFigure(f: Figure, cls: string): string {
  // Plots carry their title inside the image; example grids get a caption naming the fold.
  const caption = cls === 'example' ? `<figcaption>${esc(f.title)}</figcaption>` : '';
  return `<figure class="${cls}"><img src="${pngDataUri(f.png)}" alt="${esc(f.title)}">${caption}</figure>`;
}

const CSS = `
body{font-family:"DejaVu Sans",system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d1d1f;max-width:1200px;margin:2rem auto;padding:0 1.5rem;line-height:1.45}
h1{font-size:1.7rem;margin-bottom:.2rem}h2{margin-top:2.2rem;border-bottom:1px solid #ddd;padding-bottom:.3rem}h3{margin-top:1.6rem}
.meta,.note{color:#555;font-size:.9rem}
table{border-collapse:collapse;margin:1rem 0;font-size:.88rem}
th,td{padding:.4rem .55rem;border-bottom:1px solid #e3e3e3;text-align:center;white-space:nowrap}
th{background:#f5f6f8;border-bottom:2px solid #c9ccd1}td:first-child,th:first-child{text-align:left}
tbody tr:hover{background:#fafbfc}td.best{font-weight:bold}
.wrap{overflow-x:auto}table.results td:nth-last-child(-n+2){white-space:normal;min-width:9rem;font-size:.85rem;color:#444}
table.runs,table.setup{font-size:.8rem}table.setup td{white-space:normal}table.runs td:last-child{text-align:left;color:#666;white-space:normal;word-break:break-all}
.plots{display:flex;flex-wrap:wrap;gap:1rem}.side{display:flex;flex-wrap:wrap;gap:1.5rem;align-items:flex-start}.side>div{flex:1 1 480px;min-width:0}
figure{margin:0}figure.plot img{width:580px;max-width:100%;border:1px solid #eee}
figure.example img{width:100%;border:1px solid #eee}figcaption{font-size:.85rem;color:#555;margin:.3rem 0 1rem}
ul{padding-left:1.2rem}`;

function pairedHtml(c: ReportContent): string {
  if (c.rows.length < 2) return '';
  const tables = pairedTestTables(c.comparisons).map(({ metric, table }) => `<h3>${esc(metric.label)}</h3>\n${htmlTable(table, 'runs')}`);
  const note = c.comparisons.compared.length ? `<p class="note">${esc(pairedTestsNote(c.comparisons))}</p>` : '';
  const skipped = skippedPairs(c);
  return `<h2>${esc(PAIRED_HEADING)}</h2>\n${tables.join('\n')}\n${note}${skipped.length ? `<ul>${skipped.map((l) => `<li>${esc(l)}</li>`).join('')}</ul>` : ''}`;
}

/** The reliability diagram beside the ECE/Brier table and the empty-sample table. */
function calibrationHtml(c: ReportContent): string {
  const emptiness = emptinessTable(c.rows);
  if (!c.calibration.length && !emptiness) return '';
  const figure = c.reliability ? htmlFigure(c.reliability, 'plot') : '';
  const cal = c.calibration.length
    ? `${htmlTable(calibrationTable(c.calibration), 'runs')}<p class="note">${esc(CALIBRATION_NOTE)}</p>`
    : '<p class="note">Calibration: not available (these runs were evaluated before <code>flowseg evaluate</code> recorded calibration bins; evaluate again to add it).</p>';
  const empty = emptiness ? `<h3>Empty masks: samples against raters</h3>\n${htmlTable(emptiness, 'runs')}\n<p class="note">${esc(EMPTINESS_NOTE)}</p>` : '';
  return `<h2>${esc(CALIBRATION_HEADING)}</h2>\n<div class="side">${figure ? `<div>${figure}</div>` : ''}<div>${cal}${empty}</div></div>`;
}

function coverageHtml(c: ReportContent): string {
  if (!c.coverage.length) return '';
  return `<h2>${esc(COVERAGE_HEADING)}</h2>\n${htmlTable(coverageByRaterTable(c.coverage), 'runs')}\n${htmlTable(coverageByDrawnTable(c.coverage), 'runs')}\n<p class="note">${esc(COVERAGE_NOTE)}</p>`;
}

export function reportHtml(c: ReportContent): string {
  const r = results(c);
  const sections = c.figures.map((v) => {
    const plots = v.plots.map((f) => htmlFigure(f, 'plot')).join('\n');
    const perRun = new Map<string, number>();
    const shown = v.examples.filter((f) => {
      const run = f.run ?? '';
      perRun.set(run, (perRun.get(run) ?? 0) + 1);
      return (perRun.get(run) ?? 0) <= HTML_EXAMPLES_PER_RUN;
    });
    const more = v.examples.length - shown.length;
    const moreNote = more > 0 ? `<p class="note">${more} more example grid(s) in figures/ beside this file.</p>` : '';
    const note = v.note ? `<p class="note">${esc(v.note)}</p>\n` : '';
    return `<h3>${esc(v.variant)}</h3>\n${note}<div class="plots">${plots}</div>\n${shown.map((f) => htmlFigure(f, 'example')).join('\n')}${moreNote}`;
  });
  const notes = c.notes.length ? `<h2>Notes</h2><ul>${c.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>flowseg report</title><style>${CSS}</style></head>
<body>
<h1>flowseg report</h1><p class="meta">${esc(summaryLine(c))}</p>
<h2>Results</h2>
${htmlTable(r.table, 'results')}
<p class="note">${esc(r.legend)}</p>${paperNote(c) ? `<p class="note">${esc(paperNote(c) as string)}</p>` : ''}<p class="note">${esc(provenance(c.rows))}</p>
<p><strong>Training budget per fold.</strong></p><ul>${budgetLines(c.rows)
    .map((l) => `<li>${esc(l)}</li>`)
    .join('')}</ul>
<h2>${esc(setupHeading(c))}</h2>
${htmlTable(setupTable(c.rows, c.reference?.protocol), 'setup')}
${c.reference ? `<p class="note">${esc(SETUP_NOTE)}</p>` : ''}
<h2>Per-run results</h2>
${htmlTable(runsTable(c.rows), 'runs')}
${pairedHtml(c)}
${calibrationHtml(c)}
${coverageHtml(c)}
${c.comparison.length ? `<h2>Variants compared</h2>\n<div class="plots">${c.comparison.map((f) => htmlFigure(f, 'plot')).join('\n')}</div>` : ''}
<h2>Figures</h2>
${sections.join('\n')}
${notes}
</body></html>
`;
}
