import { z } from 'zod';

/**
 * The files `flowseg train` and `flowseg evaluate` write into a run folder, as readers of the
 * folder (the report, cv) validate them (docs/run-format.md). Extra keys are allowed
 * everywhere, so newer writers stay readable.
 */

/** Summary metrics the report tabulates, in table order. */
export const METRIC_KEYS = ['ged_excl', 'ged_incl', 'hm_iou', 'iou', 'dice', 'cll', 'ncc'] as const;
export type MetricKey = (typeof METRIC_KEYS)[number];

// JSON has no NaN: writers store an undefined metric (e.g. −CLL of a deterministic U-Net) as null.
const num = z.number().nullable();

export const budgetSchema = z.object({ maxEpochs: num.optional(), maxSteps: num.optional(), maxMinutes: num.optional() }).passthrough();
export type Budget = z.infer<typeof budgetSchema>;

/** config.json as the report reads it: loose, so runs written by older versions stay readable. */
export const configSchema = z
  .object({
    variant: z.string().min(1).optional(),
    modelConfig: z.object({ model: z.string(), flow: z.string(), flowSteps: z.number() }).passthrough().optional(),
    model: z.string().optional(),
    flow: z.string().nullable().optional(),
    flowSteps: z.number().nullable().optional(),
    fold: z.number().int().nullable().optional(),
    seed: z.number().nullable().optional(),
    data: z.string().optional(),
    budget: budgetSchema.optional(),
  })
  .passthrough();
export type RunConfig = z.infer<typeof configSchema>;

export const stepLineSchema = z.object({ kind: z.literal('step'), step: z.number(), epoch: z.number(), loss: num, seconds: num.optional() }).passthrough();
export const epochLineSchema = z
  .object({
    kind: z.literal('epoch'),
    epoch: z.number(),
    step: z.number().optional(),
    trainLoss: num.optional(),
    valLoss: num.optional(),
    valGed: num.optional(),
    seconds: num.optional(),
  })
  .passthrough();
export type StepLine = z.infer<typeof stepLineSchema>;
export type EpochLine = z.infer<typeof epochLineSchema>;

const meanStd = z.object({ mean: num, std: num.optional() }).passthrough();
export type MeanStd = z.infer<typeof meanStd>;

export const summarySchema = z
  .object({
    ged_excl: meanStd,
    ged_incl: meanStd,
    hm_iou: meanStd,
    iou: meanStd.optional(),
    dice: meanStd.optional(),
    cll: meanStd.optional(),
    ncc: meanStd.optional(),
    commit: z.string().nullable().optional(),
    dataset: z.unknown().optional(),
    samples: z.number().optional(),
    images: z.number().optional(),
  })
  .passthrough();
export type Summary = z.infer<typeof summarySchema>;

/**
 * summary.model: the model `flowseg evaluate` scored, besides summary.config. `--model NAME|file.onnx`
 * writes `{ engine: "onnx", file, name? (a shipped model), variant (the export's flowseg.variant) }`;
 * `--checkpoint` writes `{ engine: "torch", checkpoint }`.
 */
export const summaryModelSchema = z
  .object({
    engine: z.string().optional(),
    name: z.string().min(1).optional(),
    file: z.string().optional(),
    checkpoint: z.string().optional(),
    variant: z.string().min(1).optional(),
  })
  .passthrough();
export type SummaryModel = z.infer<typeof summaryModelSchema>;

export const perImageSchema = z.array(
  z
    .object({
      id: z.union([z.string(), z.number()]),
      prior_sigma: num.optional(),
      rater_disagreement: num.optional(),
    })
    .passthrough(),
);
export type PerImage = z.infer<typeof perImageSchema>;

/**
 * summary.calibration (evaluations since issue 28): pixel reliability bins of the sample-mean
 * probability against the raters' soft mask (src/metrics/calibration.ts), as sums so folds merge.
 */
export const calibrationSchema = z
  .object({
    bins: z.number().int().positive(),
    count: z.array(z.number().min(0)),
    sumProbability: z.array(z.number()),
    sumTarget: z.array(z.number()),
    sumSquaredError: z.number().min(0),
  })
  .passthrough()
  .refine((c) => c.count.length === c.bins && c.sumProbability.length === c.bins && c.sumTarget.length === c.bins, {
    message: 'count, sumProbability and sumTarget must have one entry per bin',
  });
export type CalibrationSummary = z.infer<typeof calibrationSchema>;

export const gedVsSamplesSchema = z.array(z.object({ samples: z.number(), ged_excl: meanStd, ged_incl: meanStd }).passthrough());
export type GedVsSamples = z.infer<typeof gedVsSamplesSchema>;
