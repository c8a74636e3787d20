import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { FlowsegInputError } from '../../util/errors.js';
import { evalFile, RUN_FILES, runFile, runSummaryFile } from '../../run/paths.js';

/** A folder the report reads: a run folder, or an evaluation folder of a model without its run. */
export interface ReportInput {
  dir: string;
  kind: 'run' | 'evaluation';
}

export interface Discovery {
  /** Evaluated run folders and evaluation folders, absolute, in a stable order. */
  inputs: ReportInput[];
  /** Run folders found while searching that cannot be reported yet, with the reason. */
  skipped: { dir: string; reason: string }[];
}

const isRunDir = (d: string): boolean => existsSync(runSummaryFile(d)) || (existsSync(runFile(d, 'config')) && existsSync(runFile(d, 'log')));

/** `flowseg evaluate --out E`: E/summary.json; found by search only beside per_image.json (another tool's summary.json is no evaluation). */
const isEvaluationDir = (d: string, explicit: boolean): boolean => existsSync(evalFile(d, 'summary')) && (explicit || existsSync(evalFile(d, 'perImageJson')));

/** `<run>/eval` named on the command line is its run (the report then shows how the model was trained). */
const runOfEvalDir = (d: string): string | undefined => (basename(d) === RUN_FILES.eval && existsSync(runFile(dirname(d), 'config')) ? dirname(d) : undefined);

/**
 * Expands the user's paths into report inputs. A path that is a run folder is taken as is (and
 * must be evaluated), as is an evaluation folder (`flowseg evaluate --model NAME --out E`); any
 * other folder is searched recursively, as for an experiment tree `exp/<variant>/fold_<k>/`,
 * where unfinished runs are skipped rather than fatal.
 */
export function findReportInputs(paths: readonly string[]): Discovery {
  const inputs: ReportInput[] = [];
  const skipped: Discovery['skipped'] = [];
  const seen = new Set<string>();
  const add = (dir: string, kind: ReportInput['kind'], explicit: boolean): void => {
    const real = realpathSync(dir);
    if (seen.has(real)) return;
    seen.add(real);
    if (kind === 'evaluation' || existsSync(runSummaryFile(dir))) {
      inputs.push({ dir, kind });
      return;
    }
    const reason = 'no eval/summary.json (training unfinished or not evaluated yet; run `flowseg evaluate`)';
    if (explicit) throw new FlowsegInputError(`${dir}: ${reason}`);
    skipped.push({ dir, reason });
  };
  const walk = (dir: string): void => {
    if (isRunDir(dir) || isEvaluationDir(dir, false)) {
      add(dir, isRunDir(dir) ? 'run' : 'evaluation', false);
      return;
    }
    const children = readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules')
      .map((e) => e.name)
      .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    for (const c of children) walk(join(dir, c));
  };
  for (const p of paths) {
    const abs = resolve(p);
    if (!existsSync(abs)) throw new FlowsegInputError(`${p} does not exist; pass run folders, evaluation folders or an experiment folder`);
    if (!statSync(abs).isDirectory()) throw new FlowsegInputError(`${p} is a file; pass run folders, evaluation folders or an experiment folder`);
    const run = isRunDir(abs) ? abs : runOfEvalDir(abs);
    if (run !== undefined) add(run, 'run', true);
    else if (isEvaluationDir(abs, true)) add(abs, 'evaluation', true);
    else walk(abs);
  }
  if (inputs.length === 0) {
    const hint = skipped.length ? ` (${skipped.length} unfinished run folder(s) skipped)` : '';
    throw new FlowsegInputError(
      `no evaluated run folders or evaluation folders under ${paths.join(', ')}${hint}; a run folder holds config.json and eval/summary.json, an evaluation folder (flowseg evaluate --out) summary.json`,
    );
  }
  return { inputs, skipped };
}
