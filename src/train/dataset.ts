import { existsSync } from 'node:fs';
import { syntheticDataset } from '../data/synthetic.js';
import { openPrepared } from '../data/prepared/open.js';
import { kfoldSplit, fractionSplit, splitIndices, type Split } from '../data/splits.js';
import type { Dataset } from '../data/types.js';
import { FlowsegInputError } from '../util/errors.js';
import { Rng } from '../util/rng.js';
import type { TrainConfig } from './config.js';

/** `synthetic` → the embedded ambiguous set; anything else must be a `flowseg prepare` output dir. */
export function openTrainingData(config: Pick<TrainConfig, 'data' | 'synthetic' | 'seed'>): Dataset {
  if (config.data === 'synthetic') {
    return syntheticDataset({ items: config.synthetic.items, size: config.synthetic.size, disagreement: config.synthetic.disagreement, seed: 0 });
  }
  if (!existsSync(config.data)) throw new FlowsegInputError(`--data ${config.data}: no such directory (run \`flowseg prepare\` first, or use --data synthetic)`);
  return openPrepared(config.data);
}

export interface SplitIndices {
  split: Split;
  train: number[];
  val: number[];
  test: number[];
}

/** The run's split by patient; a k-fold split gets a validation part carved from its training patients. */
export function makeSplit(dataset: Dataset, config: Pick<TrainConfig, 'split' | 'seed' | 'valFraction'>): SplitIndices {
  const s = config.split;
  let split =
    s.kind === 'kfold'
      ? kfoldSplit(dataset, { fold: s.fold, folds: s.folds, seed: config.seed })
      : fractionSplit(dataset, { train: s.train, val: s.val, test: s.test, seed: config.seed });
  if (split.val.length === 0 && config.valFraction > 0) split = carveValidation(dataset, split, config.valFraction, config.seed);
  const idx = splitIndices(split, dataset);
  if (idx.train.length === 0) throw new FlowsegInputError('the training split is empty — the dataset has too few patients for this split');
  return { split, ...idx };
}

function carveValidation(dataset: Dataset, split: Split, fraction: number, seed: number): Split {
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
