/**
 * nnU-Net's `splits_final.json` as a split source (`--split-file <json> --fold k`): a list of
 * folds `[{"train": [case ids], "val": [case ids]}, …]`, as nnU-Net v1/v2 write it into the
 * preprocessed dataset folder. See docs/data.md#splits.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { FlowsegInputError } from '../util/errors.js';
import type { SplitSource } from './splits.js';

const foldSchema = z.object({ train: z.array(z.string()), val: z.array(z.string()) }).passthrough();
const foldsSchema = z.array(foldSchema).min(1, 'expected at least one fold');

/** Item indices (dataset storage order) of one fold of a split file. */
export interface SplitFileIndices {
  /** Items of the fold's `train` cases. */
  train: number[];
  /** Items of the fold's `val` cases: the held-out fold nnU-Net reports its cross-validation on. */
  val: number[];
  /** Items the fold names in neither list (e.g. cases added after the file was written); absent when none. */
  test?: number[];
  /** Number of folds in the file (nnU-Net: 5). */
  folds: number;
}

/** Reads `path` (splits_final.json) and resolves fold `fold` against the dataset's ids; see {@link splitFromFolds}. */
export function readSplitFile(path: string, fold: number, dataset: SplitSource): SplitFileIndices {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOENT' ? 'no such file' : `cannot read it as JSON (${err.message})`;
    throw new FlowsegInputError(`--split-file ${path}: ${why}; pass nnU-Net's splits_final.json ([{"train": […], "val": […]}, …])`);
  }
  return splitFromFolds(json, fold, dataset, path);
}

/**
 * Fold `fold` of a parsed split file → item indices. A case id selects every item whose id is
 * the case id or starts with `<case>/` (the slices of a 3D case), or whose patient id equals it.
 * Refuses a missing fold, case ids the dataset lacks, and a case or patient on both sides.
 */
export function splitFromFolds(json: unknown, fold: number, dataset: SplitSource, file = 'split file'): SplitFileIndices {
  const parsed = foldsSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = issue.path.length > 0 ? `[${issue.path.join('][')}]` : '(top level)';
    throw new FlowsegInputError(`${file}: ${at}: ${issue.message}; expected nnU-Net's list of folds [{"train": [case ids], "val": [case ids]}, …]`);
  }
  const folds = parsed.data;
  if (!Number.isInteger(fold) || fold < 0 || fold >= folds.length) {
    throw new FlowsegInputError(`--fold ${fold}: ${file} has ${folds.length} fold(s), numbered 0…${folds.length - 1}; pick one of them`);
  }
  const { train, val } = folds[fold];
  const both = train.find((c) => new Set(val).has(c));
  if (both !== undefined) throw new FlowsegInputError(`${file}: fold ${fold} lists case "${both}" in both "train" and "val"; remove it from one`);
  const lookup = caseLookup(dataset);
  const resolve = (cases: string[], part: string): Set<number> => {
    const out = new Set<number>();
    for (const c of cases) {
      const items = lookup(c);
      if (items.length === 0) {
        throw new FlowsegInputError(
          `${file}: fold ${fold} "${part}" names case "${c}", which the dataset does not have (ids look like "${dataset.ids[0] ?? ''}"); was the file made for another dataset?`,
        );
      }
      for (const i of items) out.add(i);
    }
    return out;
  };
  const trainSet = resolve(train, 'train');
  const valSet = resolve(val, 'val');
  const shared = [...valSet].find((i) => trainSet.has(i));
  if (shared !== undefined) {
    throw new FlowsegInputError(
      `${file}: fold ${fold}: item "${dataset.ids[shared]}" is selected by both a "train" and a "val" case; name each case on one side only`,
    );
  }
  const trainPatients = new Set([...trainSet].map((i) => dataset.patientIds[i]));
  const leak = [...valSet].find((i) => trainPatients.has(dataset.patientIds[i]));
  if (leak !== undefined) {
    throw new FlowsegInputError(
      `${file}: fold ${fold}: patient "${dataset.patientIds[leak]}" has cases in both "train" and "val" (e.g. "${dataset.ids[leak]}"); keep a patient's cases on one side`,
    );
  }
  const sorted = (s: Set<number>): number[] => [...s].sort((a, b) => a - b);
  const rest = dataset.ids.map((_, i) => i).filter((i) => !trainSet.has(i) && !valSet.has(i));
  return { train: sorted(trainSet), val: sorted(valSet), ...(rest.length > 0 ? { test: rest } : {}), folds: folds.length };
}

/** case id → item indices: exact id, `<case>/…` prefix (3D slices, LIDC nodules), or patient id. */
function caseLookup(dataset: SplitSource): (c: string) => number[] {
  const byKey = new Map<string, number[]>();
  const add = (k: string, i: number): void => {
    const list = byKey.get(k);
    if (list) {
      if (list[list.length - 1] !== i) list.push(i);
    } else byKey.set(k, [i]);
  };
  dataset.ids.forEach((id, i) => {
    add(id, i);
    // every "/"-prefix of the id: `lung_007/slice-3` is selected by `lung_007`
    for (let k = id.indexOf('/'); k > 0; k = id.indexOf('/', k + 1)) add(id.slice(0, k), i);
    add(dataset.patientIds[i], i);
  });
  return (c) => byKey.get(c) ?? [];
}
