import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { FLOW_NAMES, PRIOR_KINDS, type FlowName, type ModelConfig, type PriorKind } from '../models/config.js';
import { splitPlanSchema } from '../data/splits.js';
import { writeFileAtomic } from '../util/atomicWrite.js';
import { FlowsegInputError } from '../util/errors.js';

export type Monitor = 'loss' | 'ged';

/** The learning-rate schedules a config may name; what they do is train/lrSchedule.ts's. */
export type LrSchedule = 'constant' | 'cosine';
export const LR_SCHEDULES: readonly LrSchedule[] = ['constant', 'cosine'];

/**
 * One training run's settings: printed at start, saved as the run's config.json and inside
 * every checkpoint — one shape for both (nanoGPT's single config object).
 */
const modelConfigSchema = z.object({
  model: z.enum(['detunet', 'probunet']),
  inChannels: z.number().int().positive(),
  filters: z.array(z.number().int().positive()).min(1),
  convsPerBlock: z.number().int().positive(),
  latent: z.number().int().positive(),
  flow: z.enum(FLOW_NAMES as [FlowName, ...FlowName[]]),
  flowSteps: z.number().int().min(0),
  prior: z.enum(PRIOR_KINDS as [PriorKind, ...PriorKind[]]).default('separate'),
  beta: z.number().min(0),
  klMode: z.enum(['analytic', 'mc']),
  dtype: z.enum(['float32', 'float64']),
});

const nullableCount = z.number().int().positive().nullable();

export const trainConfigSchema = z.object({
  /** Prepared data dir, or `synthetic` for the embedded default. */
  data: z.string().min(1),
  modelConfig: modelConfigSchema,
  variant: z.string().min(1),
  /** The seed of everything (weights, data order, the split): data/splits.ts splitPlanSchema. */
  seed: splitPlanSchema.shape.seed,
  /** k-fold by patient (seed 000) when kind = kfold, else train/val/test fractions (seed 001). */
  split: splitPlanSchema.shape.split,
  /** Share of training patients held out for early stopping when the split has no val part. */
  valFraction: splitPlanSchema.shape.valFraction,
  raters: z.enum(['all', 'single']),
  augment: z.boolean(),
  batchSize: z.number().int().positive(),
  lr: z.number().positive(),
  /** constant (the papers) | cosine: warm-up, then anneal to 2% of lr over the step or time budget (src/train/lrSchedule.ts). */
  lrSchedule: z.enum(LR_SCHEDULES as [LrSchedule, ...LrSchedule[]]).default('constant'),
  /** Linear warm-up steps of the cosine schedule. */
  warmupSteps: z.number().int().min(0).default(0),
  weightDecay: z.number().min(0),
  /** The prior net's lr is lr × this (a param group of its own); 1 = one lr for all, as the papers. */
  priorLrScale: z.number().positive().default(1),
  epochs: z.number().int().positive(),
  maxSteps: nullableCount,
  maxMinutes: z.number().positive().nullable(),
  patience: z.number().int().positive(),
  monitor: z.enum(['loss', 'ged']),
  /** Samples per image for the GED monitor. */
  valSamples: z.number().int().positive(),
  /** Cap on validation images per validation round (keeps it short on CPU); null = all. */
  maxValImages: nullableCount,
  /** Validate every N optimizer steps; null = once per epoch. */
  valEverySteps: nullableCount.default(null),
  /** The machine profile the defaults came from (cpu | paper; null: none, e.g. a preset's own settings). */
  profile: z.enum(['cpu', 'paper']).nullable().default(null),
  /** Clip the global gradient norm: a fixed limit, `auto` (4 × the median of the last 100 norms, train/gradClipPolicy.ts), or null = no clipping. */
  gradClip: z
    .union([z.number().positive(), z.literal('auto')])
    .nullable()
    .default(null),
  /** The output layer's bias at a fresh start: `random` (the reference's small random init) or `foreground` (logit of the training masks' foreground rate, train/outputPrior.ts). */
  outputBiasInit: z.enum(['random', 'foreground']).default('random'),
  /** [C, H, W] of the training images (filled in by train(); inference resizes inputs to it). */
  inputShape: z.tuple([z.number().int().positive(), z.number().int().positive(), z.number().int().positive()]).optional(),
  /** Synthetic set options when data = synthetic. */
  synthetic: z.object({ items: z.number().int().positive(), size: z.number().int().min(8), disagreement: z.number().min(0).max(1) }),
});

export type TrainConfig = Omit<z.infer<typeof trainConfigSchema>, 'modelConfig'> & { modelConfig: ModelConfig };

/** What config.json holds: the TrainConfig, plus facts derived from it for readers of the folder. */
export interface RunConfigFile extends TrainConfig {
  fold: number | null;
  budget: { maxEpochs: number; maxSteps: number | null; maxMinutes: number | null };
  /** Set by `flowseg cv`: the preset the job belongs to. */
  preset?: string;
  samples?: number;
}

export function runConfigFile(config: TrainConfig, extra: { preset?: string; samples?: number } = {}): RunConfigFile {
  return {
    ...config,
    fold: config.split.kind === 'fractions' ? null : config.split.fold,
    budget: { maxEpochs: config.epochs, maxSteps: config.maxSteps, maxMinutes: config.maxMinutes },
    ...extra,
  };
}

/** Validates a TrainConfig read from `where` (config.json or a checkpoint); one line naming the key on error. */
export function parseTrainConfig(raw: unknown, where: string): TrainConfig {
  const parsed = trainConfigSchema.passthrough().safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue?.path.length ? issue.path.join('.') : '(top level)';
    throw new FlowsegInputError(`${where}: ${key}: ${issue?.message ?? 'invalid'}; the run's config is damaged — retrain, or restore it from the checkpoint`);
  }
  return parsed.data as TrainConfig;
}

export function writeRunConfig(path: string, config: TrainConfig, extra: { preset?: string; samples?: number } = {}): void {
  writeFileAtomic(path, `${JSON.stringify(runConfigFile(config, extra), null, 2)}\n`);
}

/** Reads and validates config.json. */
export function readRunConfig(path: string): RunConfigFile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new FlowsegInputError(`${path}: cannot read the run config (${(err as Error).message.split('\n')[0]})`);
  }
  const config = parseTrainConfig(raw, path);
  const { preset, samples } = raw as { preset?: unknown; samples?: unknown };
  return runConfigFile(config, { preset: typeof preset === 'string' ? preset : undefined, samples: typeof samples === 'number' ? samples : undefined });
}
