import { existsSync, mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { FlowsegInputError } from '../../util/errors.js';
import { checkOutputDir, writeDirAtomic } from '../../util/outputDir.js';
import { aggregate, METRICS, type VariantRow } from './aggregate.js';
import { findReportInputs, type ReportInput } from './discover.js';
import { reportHtml, reportMarkdown, type ReportContent } from './documents.js';
import { gedVsSamplesComparison, trainingTermFigures } from './comparison.js';
import { exampleFigures, slugs, variantFigures, type Figure } from './figures.js';
import { detectReference, PAPER_REFERENCES, type ReferenceName } from './references.js';
import { readRun } from './readRun.js';
import { distinctVariants, readEvaluation } from './readEvaluation.js';
import type { RunRecord } from './record.js';
import { resultsCsv } from './tables.js';
import { compareVariants } from './variantComparison.js';
import { reliabilityFigure, variantCalibrations } from './calibration.js';
import { variantCoverages } from './coverage.js';

export interface ReportResult {
  outDir: string;
  html: string;
  markdown: string;
  /** Run folders reported. */
  runs: number;
  /** Evaluation folders of models without their run (shipped or exported ONNX models) reported. */
  evaluations: number;
  variants: VariantRow[];
  /** Skipped folders and non-fatal problems, also listed in the report's Notes. */
  notes: string[];
}

/** A report folder we may write: it does not overlap an input, and the output policy allows it (src/util/outputDir.ts). */
function checkOutDir(outDir: string, inputs: readonly ReportInput[], overwrite: boolean): void {
  const out = resolve(outDir);
  for (const input of inputs) {
    const real = realpathSync(input.dir);
    const o = existsSync(out) ? realpathSync(out) : out;
    if (real === o || real.startsWith(o + sep) || o.startsWith(real + sep)) {
      throw new FlowsegInputError(`--out ${outDir} overlaps the ${input.kind} folder ${input.dir}; write the report to a separate folder`);
    }
  }
  checkOutputDir(outDir, 'report', { overwrite });
}

export interface ReportOptions {
  overwrite?: boolean;
  /** The paper table to print beside ours: a name, `none`, or `auto` (default: from the dataset names). */
  reference?: ReferenceName | 'none' | 'auto';
}

/**
 * Builds the Table-1 report from run folders, evaluation folders of models without their run
 * (`flowseg evaluate --model NAME --out E`) and/or experiment trees (`exp/<variant>/fold_<k>/`):
 * groups runs by `config.variant` (each evaluation folder is a row of its own), aggregates
 * mean ± std over folds, renders figures and writes report.md, report.html (self-contained),
 * table.csv, table.json and figures/ into `outDir`.
 */
export function buildReport(paths: readonly string[], outDir: string, now: Date = new Date(), o: ReportOptions = {}): ReportResult {
  const found = findReportInputs(paths);
  checkOutDir(outDir, found.inputs, o.overwrite === true);
  const records: RunRecord[] = distinctVariants(found.inputs.map((i) => (i.kind === 'run' ? readRun(i.dir) : readEvaluation(i.dir))));
  const rows = aggregate(records);
  const notes = [...found.skipped.map((s) => `skipped ${s.dir}: ${s.reason}`), ...records.flatMap((r) => r.notes)];
  const slugOf = slugs(rows.map((r) => r.variant));
  const figures = rows.map((row) => {
    const runs = records
      .filter((r) => r.variant === row.variant)
      .sort((a, b) => row.runs.findIndex((x) => x.dir === a.dir) - row.runs.findIndex((x) => x.dir === b.dir));
    const slug = slugOf.get(row.variant) ?? 'variant';
    return {
      variant: row.variant,
      plots: variantFigures(row.variant, slug, runs),
      examples: exampleFigures(row.variant, slug, runs),
      note: noTrainingNote(runs),
    };
  });
  const groups = rows.map((row) => ({ variant: row.variant, runs: records.filter((r) => r.variant === row.variant) }));
  const comparison: Figure[] = [];
  const ged = gedVsSamplesComparison(groups);
  if (ged) comparison.push({ ...ged, file: 'figures/compare/ged_vs_samples.png' });
  for (const t of trainingTermFigures(groups)) comparison.push({ ...t.figure, file: `figures/compare/${t.name}` });
  const choice = o.reference ?? 'auto';
  const refName = choice === 'auto' ? detectReference(records.map((r) => `${r.config?.data ?? ''} ${JSON.stringify(r.summary.dataset ?? '')}`)) : choice;
  const reference = refName && refName !== 'none' ? PAPER_REFERENCES[refName] : undefined;
  const comparisons = compareVariants(groups);
  notes.push(...comparisons.skipped.map((s) => `paired tests: ${s.a} and ${s.b} not compared, ${s.reason}`));
  const calibration = variantCalibrations(groups);
  const variantIndex = (v: string): number => rows.findIndex((r) => r.variant === v);
  const reliabilityPlot = reliabilityFigure(calibration, variantIndex);
  const reliability = reliabilityPlot ? { ...reliabilityPlot, file: 'figures/compare/reliability.png' } : undefined;
  const coverage = variantCoverages(groups);
  const content: ReportContent = { generated: now.toISOString(), rows, figures, comparison, reference, comparisons, calibration, reliability, coverage, notes };
  const files = new Map<string, string | Buffer>();
  files.set('report.md', reportMarkdown(content));
  files.set('report.html', reportHtml(content));
  files.set('table.csv', resultsCsv(rows));
  const json = {
    generated: content.generated,
    std: 'sample standard deviation over folds (n - 1)',
    metrics: METRICS,
    variants: rows.map(({ runs, ...rest }) => ({
      ...rest,
      runs: runs.map((r) => ({ ...r, dir: relative(process.cwd(), r.dir) || '.' })),
    })),
    reference: reference ? { name: reference.name, rows: reference.rows, protocol: reference.protocol } : null,
    paired_tests: { alpha: 0.05, correction: 'holm (per metric, over the compared pairs)', ...comparisons },
    calibration: calibration.map((c) => ({ variant: c.variant, ece: c.ece, brier: c.brier, runs: c.runs, of: c.of, bins: c.bins })),
    rater_coverage: coverage,
    notes,
  };
  files.set('table.json', `${JSON.stringify(json, null, 2)}\n`);
  for (const f of [...comparison, ...(reliability ? [reliability] : []), ...figures.flatMap((v) => [...v.plots, ...v.examples])]) files.set(f.file, f.png);
  writeDirAtomic(
    outDir,
    'report',
    (tmp) => {
      for (const [rel, data] of files) {
        const path = join(tmp, rel);
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, data);
      }
    },
    { overwrite: o.overwrite },
  );
  const out = resolve(outDir);
  return {
    outDir: out,
    html: join(out, 'report.html'),
    markdown: join(out, 'report.md'),
    runs: records.filter((r) => r.kind === 'run').length,
    evaluations: records.filter((r) => r.kind === 'evaluation').length,
    variants: rows,
    notes,
  };
}

/** Why a variant's figures have no training curves: its entries are evaluation folders (no log.jsonl). */
function noTrainingNote(runs: readonly RunRecord[]): string | undefined {
  const origins = [...new Set(runs.flatMap((r) => (r.kind === 'evaluation' ? [r.origin] : [])))];
  return origins.length ? `No training curves: ${origins.join('; ')} (an evaluation folder has no training log).` : undefined;
}
