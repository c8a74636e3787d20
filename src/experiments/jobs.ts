/**
 * The job grid of an experiment: one independent (variant, fold) training + evaluation per
 * job, each in its own run folder `<out>/<variant>/fold_<k>/` (nnU-Net style). Job order is
 * fold-major — all variants of the first fold, then the next fold — with variants in preset
 * order and folds ascending, so indices are stable for the same preset and `--folds-to-run`,
 * and a partly finished experiment already compares every variant on its first folds.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { DEFAULT_MODEL_CONFIG, type ModelConfig } from '../models/config.js';
import { DEFAULT_TRAIN, LAST, type TrainConfig } from '../train/index.js';
import { writeFileAtomic } from '../util/atomicWrite.js';
import { FlowsegInputError } from '../util/errors.js';
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

/** Written last, atomically: its presence is what makes a job done. */
export const DONE = 'done';

export const doneSchema = z.object({
  finishedAt: z.string(),
  steps: z.number(),
  epochs: z.number(),
  stopReason: z.string(),
  minutes: z.number(),
  metrics: z.record(z.number().nullable()),
});
export type DoneMarker = z.infer<typeof doneSchema>;

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
  const t = preset.training;
  const modelConfig: ModelConfig = { ...DEFAULT_MODEL_CONFIG, model: v.model, flow: v.flow, flowSteps: v.flowSteps, filters: t.filters, latent: t.latent, beta: t.beta, klMode: t.klMode };
  const s = preset.split;
  return {
    ...DEFAULT_TRAIN,
    data,
    modelConfig,
    variant: v.name,
    seed: t.seed,
    split: s.kind === 'kfold' ? { kind: 'kfold', fold, folds: s.folds } : { ...s },
    valFraction: t.valFraction,
    raters: v.raters,
    augment: t.augment,
    batchSize: t.batchSize,
    lr: t.lr,
    weightDecay: t.weightDecay,
    epochs: budget.maxEpochs ?? t.epochs,
    maxSteps: budget.maxSteps ?? null,
    maxMinutes: budget.maxMinutes ?? null,
    patience: t.patience,
    monitor: t.monitor,
    valSamples: preset.samples,
    maxValImages: t.maxValImages,
    synthetic: { ...t.synthetic },
  };
}

export function planJobs(preset: Preset, o: { data: string; out: string; foldsToRun?: readonly number[]; budget: Budget }): Job[] {
  return selectFolds(preset, o.foldsToRun).flatMap((fold) => preset.variants.map((v) => ({ fold, v }))).map(({ fold, v }, index) => ({
    index,
    variant: v.name,
    fold,
    dir: join(o.out, v.name, `fold_${fold}`),
    config: jobConfig(preset, v, fold, o.data, o.budget),
  }));
}

/** done: marker present; partial: a checkpoint to resume from; pending: nothing usable yet. */
export function jobStatus(dir: string): JobStatus {
  if (existsSync(join(dir, DONE))) return 'done';
  if (existsSync(join(dir, LAST))) return 'partial';
  return 'pending';
}

export function writeDone(dir: string, marker: DoneMarker): void {
  writeFileAtomic(join(dir, DONE), `${JSON.stringify(marker, null, 2)}\n`);
}

export function readDone(dir: string): DoneMarker | null {
  const file = join(dir, DONE);
  if (!existsSync(file)) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    raw = null;
  }
  const parsed = doneSchema.safeParse(raw);
  if (!parsed.success) throw new FlowsegInputError(`${file}: not a flowseg done marker; delete it to rerun the job`);
  return parsed.data;
}
