/**
 * Patient-level splits (slices of one patient never straddle train and test): k-fold cross
 * validation (seed 000: 10 folds, 90/10) and train/val/test fractions (seed 001: 60/20/20).
 * Splits hold item ids, so they stay valid when a dataset is re-prepared in another order.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { writeFileAtomic } from '../util/atomicWrite.js';
import { FlowsegInputError } from '../util/errors.js';
import { Rng } from '../util/rng.js';
import { readSplitFile } from './splitFile.js';

export const splitSchema = z.object({
  kind: z.enum(['kfold', 'fractions', 'file']),
  seed: z.number().int(),
  /** Fold index for k-fold (0-based); null for fractions. */
  fold: z.number().int().nullable(),
  folds: z.number().int().nullable(),
  train: z.array(z.string()),
  val: z.array(z.string()),
  test: z.array(z.string()),
});

export type Split = z.infer<typeof splitSchema>;

/** What a split needs from a dataset: ids and patient ids in storage order. */
export interface SplitSource {
  readonly ids: readonly string[];
  readonly patientIds: readonly string[];
}

/** Unique patients in first-seen order, shuffled with the seed. */
function shuffledPatients(source: SplitSource, seed: number): string[] {
  return new Rng(seed).shuffle([...new Set(source.patientIds)]);
}

function itemsOf(source: SplitSource, patients: Set<string>): string[] {
  return source.ids.filter((_, i) => patients.has(source.patientIds[i]));
}

/** Fold `fold` of `folds`: its patients are the test set, all others train (no val). */
export function kfoldSplit(source: SplitSource, options: { fold: number; folds?: number; seed?: number }): Split {
  const folds = options.folds ?? 10;
  const seed = options.seed ?? 0;
  const { fold } = options;
  if (!(Number.isInteger(folds) && folds >= 2)) throw new FlowsegInputError(`--folds must be an integer ≥ 2, got ${folds}`);
  if (!(Number.isInteger(fold) && fold >= 0 && fold < folds)) {
    throw new FlowsegInputError(`--fold must be in 0…${folds - 1}, got ${fold}`);
  }
  const patients = shuffledPatients(source, seed);
  if (patients.length < folds) {
    throw new FlowsegInputError(`${folds}-fold cross-validation needs at least ${folds} patients, the dataset has ${patients.length}`);
  }
  // Round-robin over shuffled patients: fold sizes differ by at most one patient.
  const test = new Set(patients.filter((_, j) => j % folds === fold));
  const train = new Set(patients.filter((p) => !test.has(p)));
  return { kind: 'kfold', seed, fold, folds, train: itemsOf(source, train), val: [], test: itemsOf(source, test) };
}

/** Train/val/test by patient with the given fractions (default 60/20/20). */
export function fractionSplit(source: SplitSource, options: { train?: number; val?: number; test?: number; seed?: number } = {}): Split {
  const seed = options.seed ?? 0;
  const f = [options.train ?? 0.6, options.val ?? 0.2, options.test ?? 0.2];
  const total = f[0] + f[1] + f[2];
  if (f.some((x) => x < 0) || Math.abs(total - 1) > 1e-6) {
    throw new FlowsegInputError(`split fractions must be ≥ 0 and sum to 1, got ${f.join('/')}`);
  }
  const patients = shuffledPatients(source, seed);
  const nTrain = Math.round(f[0] * patients.length);
  const nVal = Math.round((f[0] + f[1]) * patients.length) - nTrain;
  const part = (a: number, b: number): string[] => itemsOf(source, new Set(patients.slice(a, b)));
  return {
    kind: 'fractions',
    seed,
    fold: null,
    folds: null,
    train: part(0, nTrain),
    val: part(nTrain, nTrain + nVal),
    test: part(nTrain + nVal, patients.length),
  };
}

/** Item indices of each part, in the dataset's storage order. */
export function splitIndices(split: Split, source: SplitSource): { train: number[]; val: number[]; test: number[] } {
  const pos = new Map(source.ids.map((id, i) => [id, i]));
  const resolve = (ids: string[]): number[] =>
    ids.map((id) => {
      const i = pos.get(id);
      if (i === undefined) throw new FlowsegInputError(`split names item ${id}, which this dataset does not have; was the split made for another dataset?`);
      return i;
    });
  return { train: resolve(split.train), val: resolve(split.val), test: resolve(split.test) };
}

export function saveSplit(path: string, split: Split): void {
  writeFileAtomic(path, `${JSON.stringify(split, null, 1)}\n`);
}

export function loadSplit(path: string): Split {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new FlowsegInputError(`${path}: cannot read split JSON (${(err as Error).message})`);
  }
  const parsed = splitSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new FlowsegInputError(`${path}: ${issue.path.join('.') || '(root)'}: ${issue.message}; not a flowseg split file`);
  }
  return parsed.data;
}

export interface SplitIndices {
  split: Split;
  train: number[];
  val: number[];
  test: number[];
}

/**
 * How a run splits its data: TrainConfig's split, seed and valFraction. The one schema of both:
 * run/config.ts validates config.json and checkpoints with these fields, and SplitPlan is its type.
 */
export const splitPlanSchema = z.object({
  /** k-fold by patient (seed 000) when kind = kfold, else train/val/test fractions (seed 001). */
  split: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('kfold'), fold: z.number().int().min(0), folds: z.number().int().min(2) }),
    /** nnU-Net's splits_final.json: fold `fold`'s val cases are the test set. */
    z.object({ kind: z.literal('file'), file: z.string().min(1), fold: z.number().int().min(0) }),
    z.object({ kind: z.literal('fractions'), train: z.number().min(0), val: z.number().min(0), test: z.number().min(0) }),
  ]),
  seed: z.number().int().min(0),
  /** Share of training patients held out for early stopping when the split has no val part. */
  valFraction: z.number().min(0).max(0.9),
});

export type SplitPlan = z.infer<typeof splitPlanSchema>;

/** A run's split by patient; a k-fold split gets a validation part carved from its training patients. */
export function splitDataset(dataset: SplitSource, config: SplitPlan): SplitIndices {
  const s = config.split;
  let split =
    s.kind === 'kfold'
      ? kfoldSplit(dataset, { fold: s.fold, folds: s.folds, seed: config.seed })
      : s.kind === 'file'
        ? fileSplit(dataset, s.file, s.fold, config.seed)
        : fractionSplit(dataset, { train: s.train, val: s.val, test: s.test, seed: config.seed });
  if (split.val.length === 0 && config.valFraction > 0) split = carveValidation(dataset, split, config.valFraction, config.seed);
  const idx = splitIndices(split, dataset);
  const patients = new Set(dataset.patientIds).size;
  if (idx.train.length === 0) throw new FlowsegInputError(`the training split is empty — the dataset has ${patients} patient(s), too few for this split`);
  // A part the split asks for but cannot fill would leave a run with nothing to evaluate.
  if (idx.test.length === 0 && (s.kind !== 'fractions' || s.test > 0)) {
    throw new FlowsegInputError(
      `the test split is empty — the dataset has ${patients} patient(s), and patients never straddle parts; use a dataset with more patients (or, to train on everything, a --config split of {"kind":"fractions","train":1,"val":0,"test":0})`,
    );
  }
  return { split, ...idx };
}

/**
 * Fold `fold` of an nnU-Net splits_final.json: its `val` cases are the held-out test set (the
 * fold nnU-Net reports on); validation for early stopping is carved from its `train` cases.
 */
function fileSplit(dataset: SplitSource, file: string, fold: number, seed: number): Split {
  const f = readSplitFile(file, fold, dataset);
  const ids = (idx: number[]): string[] => idx.map((i) => dataset.ids[i] as string);
  return { kind: 'file', seed, fold, folds: f.folds, train: ids(f.train), val: [], test: ids(f.val) };
}

function carveValidation(dataset: SplitSource, split: Split, fraction: number, seed: number): Split {
  const patientOf = new Map(dataset.ids.map((id, i) => [id, dataset.patientIds[i] as string]));
  const patients = new Rng(seed + 7919).shuffle([...new Set(split.train.map((id) => patientOf.get(id) as string))]);
  const nVal = Math.max(1, Math.round(patients.length * fraction));
  if (patients.length - nVal < 1) return split;
  const valPatients = new Set(patients.slice(0, nVal));
  return {
    ...split,
    train: split.train.filter((id) => !valPatients.has(patientOf.get(id) as string)),
    val: split.train.filter((id) => valPatients.has(patientOf.get(id) as string)),
  };
}
