import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FlowsegInputError } from '../../util/errors.js';
import { runFile, runSummaryFile } from '../../run/paths.js';

export interface Discovery {
  /** Run folders with an evaluation, absolute, in a stable order. */
  runs: string[];
  /** Run folders found while searching that cannot be reported yet, with the reason. */
  skipped: { dir: string; reason: string }[];
}

const isRunDir = (d: string): boolean => existsSync(runSummaryFile(d)) || (existsSync(runFile(d, 'config')) && existsSync(runFile(d, 'log')));

/**
 * Expands the user's paths into run folders. A path that is a run folder is taken as is
 * (and must be evaluated); any other folder is searched recursively, as for an experiment
 * tree `exp/<variant>/fold_<k>/`, where unfinished runs are skipped rather than fatal.
 */
export function findRunDirs(paths: readonly string[]): Discovery {
  const runs: string[] = [];
  const skipped: Discovery['skipped'] = [];
  const seen = new Set<string>();
  const add = (dir: string, explicit: boolean): void => {
    const real = realpathSync(dir);
    if (seen.has(real)) return;
    seen.add(real);
    if (existsSync(runSummaryFile(dir))) {
      runs.push(dir);
      return;
    }
    const reason = 'no eval/summary.json (training unfinished or not evaluated yet; run `flowseg evaluate`)';
    if (explicit) throw new FlowsegInputError(`${dir}: ${reason}`);
    skipped.push({ dir, reason });
  };
  const walk = (dir: string): void => {
    if (isRunDir(dir)) {
      add(dir, false);
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
    if (!existsSync(abs)) throw new FlowsegInputError(`${p} does not exist; pass run folders or an experiment folder`);
    if (!statSync(abs).isDirectory()) throw new FlowsegInputError(`${p} is a file; pass run folders or an experiment folder`);
    if (isRunDir(abs)) add(abs, true);
    else walk(abs);
  }
  if (runs.length === 0) {
    const hint = skipped.length ? ` (${skipped.length} unfinished run folder(s) skipped)` : '';
    throw new FlowsegInputError(`no evaluated run folders under ${paths.join(', ')}${hint}; a run folder holds config.json and eval/summary.json`);
  }
  return { runs, skipped };
}
