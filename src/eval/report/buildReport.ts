import { existsSync, mkdirSync, readdirSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { FlowsegInputError } from '../../util/errors.js';
import { aggregate, METRICS, type VariantRow } from './aggregate.js';
import { findRunDirs } from './discover.js';
import { reportHtml, reportMarkdown, type ReportContent } from './documents.js';
import { exampleFigures, slugs, variantFigures } from './figures.js';
import { readRun, type RunRecord } from './readRun.js';
import { resultsCsv } from './tables.js';

export interface ReportResult {
  outDir: string;
  html: string;
  markdown: string;
  runs: number;
  variants: VariantRow[];
  /** Skipped folders and non-fatal problems, also listed in the report's Notes. */
  notes: string[];
}

/** A report folder we may replace: it does not exist, is empty, or holds a previous report. */
function checkOutDir(outDir: string, runDirs: readonly string[]): void {
  const out = resolve(outDir);
  for (const run of runDirs) {
    const real = realpathSync(run);
    const o = existsSync(out) ? realpathSync(out) : out;
    if (real === o || real.startsWith(o + sep) || o.startsWith(real + sep)) {
      throw new FlowsegInputError(`--out ${outDir} overlaps the run folder ${run}; write the report to a separate folder`);
    }
  }
  if (!existsSync(out)) return;
  if (!statSync(out).isDirectory()) throw new FlowsegInputError(`--out ${outDir} is a file; choose a folder`);
  const entries = readdirSync(out);
  if (entries.length && !entries.includes('table.json')) {
    throw new FlowsegInputError(`--out ${outDir} exists and is not a flowseg report folder; choose a new or empty folder`);
  }
}

/** Writes `files` into a temp folder beside `outDir`, then swaps it in: no half-written report. */
function writeDirAtomic(outDir: string, files: ReadonlyMap<string, string | Buffer>): void {
  const out = resolve(outDir);
  mkdirSync(dirname(out), { recursive: true });
  const stamp = `${process.pid}-${Date.now()}`;
  const tmp = join(dirname(out), `.${basename(out)}.tmp-${stamp}`);
  const old = join(dirname(out), `.${basename(out)}.old-${stamp}`);
  try {
    for (const [rel, data] of files) {
      const path = join(tmp, rel);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, data);
    }
    if (existsSync(out)) renameSync(out, old);
    renameSync(tmp, out);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    if (existsSync(old) && !existsSync(out)) renameSync(old, out);
    throw err;
  }
  rmSync(old, { recursive: true, force: true });
}

/**
 * Builds the Table-1 report from run folders and/or experiment trees (`exp/<variant>/fold_<k>/`):
 * groups runs by `config.variant`, aggregates mean ± std over folds, renders figures and writes
 * report.md, report.html (self-contained), table.csv, table.json and figures/ into `outDir`.
 */
export function buildReport(paths: readonly string[], outDir: string, now: Date = new Date()): ReportResult {
  const found = findRunDirs(paths);
  checkOutDir(outDir, found.runs);
  const records: RunRecord[] = found.runs.map(readRun);
  const rows = aggregate(records);
  const notes = [
    ...found.skipped.map((s) => `skipped ${s.dir}: ${s.reason}`),
    ...records.flatMap((r) => r.notes),
  ];
  const slugOf = slugs(rows.map((r) => r.variant));
  const figures = rows.map((row) => {
    const runs = records
      .filter((r) => r.variant === row.variant)
      .sort((a, b) => row.runs.findIndex((x) => x.dir === a.dir) - row.runs.findIndex((x) => x.dir === b.dir));
    const slug = slugOf.get(row.variant) ?? 'variant';
    return { variant: row.variant, plots: variantFigures(row.variant, slug, runs), examples: exampleFigures(row.variant, slug, runs) };
  });
  const content: ReportContent = { generated: now.toISOString(), rows, figures, notes };
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
    notes,
  };
  files.set('table.json', `${JSON.stringify(json, null, 2)}\n`);
  for (const f of figures.flatMap((v) => [...v.plots, ...v.examples])) files.set(f.file, f.png);
  writeDirAtomic(outDir, files);
  const out = resolve(outDir);
  return {
    outDir: out,
    html: join(out, 'report.html'),
    markdown: join(out, 'report.md'),
    runs: records.length,
    variants: rows,
    notes,
  };
}
