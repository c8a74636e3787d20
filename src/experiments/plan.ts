/**
 * `<out>/plan.json`: the resolved preset, the data and the job list of an experiment folder.
 * Written on the first run; later runs (and every array task) must use the same preset and
 * data, so one folder never mixes two experiments.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { writeFileAtomic } from '../util/atomicWrite.js';
import { FlowsegInputError } from '../util/errors.js';
import type { Job } from './jobs.js';
import type { Preset } from './presets.js';

export const PLAN = 'plan.json';

export interface PlanFile {
  format: 'flowseg-cv-plan-1';
  createdAt: string;
  preset: Preset;
  data: string;
  jobs: { index: number; variant: string; fold: number; dir: string }[];
}

/** `synthetic` stays as is; a folder is compared by absolute path. */
function dataKey(data: string): string {
  return data === 'synthetic' ? data : resolve(data);
}

/** The first key path where two JSON values differ, e.g. `training.batchSize`, or null. */
function firstDifference(a: unknown, b: unknown, path = ''): string | null {
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return Object.is(a, b) ? null : path || '(value)';
  if (Array.isArray(a) !== Array.isArray(b)) return path || '(value)';
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  for (const k of keys) {
    const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], path ? `${path}.${k}` : k);
    if (d) return d;
  }
  return null;
}

function readPlan(file: string): PlanFile {
  try {
    const plan = JSON.parse(readFileSync(file, 'utf8')) as PlanFile;
    if (plan.format !== 'flowseg-cv-plan-1') throw new Error('unknown format');
    return plan;
  } catch (err) {
    throw new FlowsegInputError(`${file}: not a flowseg cv plan (${(err as Error).message}); choose another --out`);
  }
}

/** Throws if `out` already holds a different experiment (preset or data). */
export function checkPlan(out: string, preset: Preset, data: string): PlanFile | null {
  const file = join(out, PLAN);
  if (!existsSync(file)) return null;
  const plan = readPlan(file);
  if (plan.preset.name !== preset.name) {
    throw new FlowsegInputError(`${out} holds the jobs of preset "${plan.preset.name}" (${file}), not "${preset.name}"; use another --out`);
  }
  // The description is prose; everything else defines the experiment.
  const diff = firstDifference({ ...plan.preset, description: null }, { ...preset, description: null });
  if (diff) {
    throw new FlowsegInputError(
      `${out} holds preset "${preset.name}" with other settings (${file}: first difference at ${diff}); pass the same --preset and overrides as before, or use another --out`,
    );
  }
  if (dataKey(plan.data) !== dataKey(data)) throw new FlowsegInputError(`${out} was run on --data ${plan.data}, not ${data}; use another --out for other data`);
  return plan;
}

/** Writes plan.json on the first run, or when the job list changed (another `--folds-to-run`). */
export function writePlan(out: string, preset: Preset, data: string, jobs: readonly Job[]): void {
  const existing = checkPlan(out, preset, data);
  const list = jobs.map((j) => ({ index: j.index, variant: j.variant, fold: j.fold, dir: relative(out, j.dir) }));
  if (existing && firstDifference(existing.jobs, list) === null) return;
  const plan: PlanFile = { format: 'flowseg-cv-plan-1', createdAt: existing?.createdAt ?? new Date().toISOString(), preset, data, jobs: list };
  writeFileAtomic(join(out, PLAN), `${JSON.stringify(plan, null, 2)}\n`);
}
