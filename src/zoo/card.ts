/**
 * card.json: the machine-readable part of a shipped model's card (card.md is the part for
 * people). `flowseg models` prints one line of it; `--model NAME --split test` reads its test
 * patients. Pure zod, no engine: importable wherever the CLI runs.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { FlowsegInputError } from '../util/errors.js';

/** Lower-case words joined by hyphens: a folder name that is also a CLI argument. */
export const MODEL_NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

const oneLine = z
  .string()
  .min(1)
  .refine((s) => !/[\r\n]/.test(s), 'must be one line');
const finite = z.number().finite();

/** Test metrics as evaluate's summary.json names them (means over the test images); other numeric keys are kept. */
const testMetricsSchema = z
  .object({
    ged_excl: finite.optional(),
    ged_incl: finite.optional(),
    hm_iou: finite.optional(),
    dice: finite.optional(),
    iou: finite.optional(),
    cll: finite.optional(),
    ncc: finite.optional(),
    /** test images (slices) and patients the numbers are over, and samples per image */
    images: z.number().int().positive().optional(),
    patients: z.number().int().positive().optional(),
    samples: z.number().int().positive().optional(),
  })
  .catchall(finite);

export const modelCardSchema = z
  .object({
    /** the folder name under models/, and what `--model` takes */
    name: z.string().regex(MODEL_NAME, 'lower-case words joined by hyphens'),
    /** one line: what it segments, from what */
    summary: oneLine.refine((s) => s.length <= 160, 'at most 160 characters'),
    /** the ONNX metadata's flowseg.variant, e.g. probunet+planar2 */
    variant: oneLine,
    /** [C, H, W] of the model input */
    inputShape: z.tuple([z.number().int().positive(), z.number().int().positive(), z.number().int().positive()]),
    /** how a scan becomes the [0, 1] input, e.g. "HU clipped to [−1350, 150], linearly to [0, 1]" */
    intensity: oneLine,
    /** what it was trained on (dataset, patients, slices) */
    trainingData: oneLine,
    /** licence of the weights and the data they come from, with the attribution */
    licence: oneLine,
    testMetrics: testMetricsSchema,
    /** patient ids of the test split (`flowseg evaluate --model NAME --split test`); absent when not published */
    testPatients: z.array(z.string().min(1)).min(1).optional(),
    /** the flowseg commit the model was trained and exported at */
    commit: z.string().regex(/^[0-9a-f]{7,40}$/, 'a git commit hash'),
    /** the command(s) that made it, in order (train … ; export …) */
    command: z.union([oneLine, z.array(oneLine).min(1)]).transform((c) => (typeof c === 'string' ? [c] : c)),
    /** how model.onnx stores its weights (`flowseg export --fp16`) */
    weights: z.enum(['float32', 'float16']).default('float32'),
  })
  .strict();

export type ModelCard = z.output<typeof modelCardSchema>;

/** Reads and validates a card.json; one line naming the file and the key on error. */
export function readModelCard(path: string): ModelCard {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new FlowsegInputError(`${path}: cannot read the model card (${(err as Error).message.split('\n')[0]})`);
  }
  return parseModelCard(raw, path);
}

export function parseModelCard(raw: unknown, where: string): ModelCard {
  const parsed = modelCardSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = issue?.path.length ? issue.path.join('.') : '(top level)';
    throw new FlowsegInputError(`${where}: ${at}: ${issue?.message ?? 'invalid'}; see docs/inference.md#shipped-models for the card fields`);
  }
  return parsed.data;
}
