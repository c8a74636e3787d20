/**
 * The job grid of an experiment: one independent (variant, fold) training + evaluation per
 * job, each in its own run folder `<out>/<variant>/fold_<k>/` (nnU-Net style). Job order is
 * fold-major — all variants of the first fold, then the next fold — with variants in preset
 * order and folds ascending, so indices are stable for the same preset and `--folds-to-run`,
 * and a partly finished experiment already compares every variant on its first folds.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isDone, runFile, type TrainConfig } from '../run/index.js';
import { FlowsegInputError } from '../util/errors.js';
import { buildTrainConfig, presetLayer, type TrainConfigLayer } from './trainConfig.js';
import { presetFolds, type Preset, type VariantSpec } from './presets.js';

export interface Budget {
  maxEpochs?: number;
  maxSteps?: number;
  maxMinutes?: number;
}

export interface Job {
  index: number;
  variant: string;
  fold: number;
  /** The job's run folder. */
  dir: string;
  /** Training config for a fresh start (budget from the command line, else the preset's epochs). */
  config: TrainConfig;
}

export type JobStatus = 'done' | 'partial' | 'pending';

/** The folds to run: all of the preset's, or the `--folds-to-run` subset (checked, sorted, deduplicated). */
export function selectFolds(preset: Preset, foldsToRun?: readonly number[]): number[] {
  const all = presetFolds(preset);
  if (!foldsToRun) return all;
  const bad = foldsToRun.find((k) => !all.includes(k));
  if (bad !== undefined) {
    const have = preset.split.kind === 'kfold' ? `folds 0…${all.length - 1}` : 'one fold, 0 (a 60/20/20-style split)';
    throw new FlowsegInputError(`--folds-to-run ${bad}: preset ${preset.name} has ${have}`);
  }
  return [...new Set(foldsToRun)].sort((a, b) => a - b);
}

export function jobConfig(preset: Preset, v: VariantSpec, fold: number, data: string, budget: Budget): TrainConfig {
  return buildTrainConfig({ data, preset: presetLayer(preset, v, fold), flags: budgetLayer(budget) });
}

/** The per-job budget from the command line, as a config layer. */
export function budgetLayer(budget: Budget): TrainConfigLayer {
  return { epochs: budget.maxEpochs, maxSteps: budget.maxSteps ?? null, maxMinutes: budget.maxMinutes ?? null };
}

export function planJobs(preset: Preset, o: { data: string; out: string; foldsToRun?: readonly number[]; budget: Budget }): Job[] {
  return selectFolds(preset, o.foldsToRun)
    .flatMap((fold) => preset.variants.map((v) => ({ fold, v })))
    .map(({ fold, v }, index) => ({
      index,
      variant: v.name,
      fold,
      dir: join(o.out, v.name, `fold_${fold}`),
      config: jobConfig(preset, v, fold, o.data, o.budget),
    }));
}

/** done: marker present; partial: a checkpoint to resume from; pending: nothing usable yet. */
export function jobStatus(dir: string): JobStatus {
  if (isDone(dir)) return 'done';
  if (existsSync(runFile(dir, 'last'))) return 'partial';
  return 'pending';
}
