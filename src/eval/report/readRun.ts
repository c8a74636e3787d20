import { FlowsegInputError } from '../../util/errors.js';
import { readLog } from '../../run/log.js';
import { loadRunSplit } from '../../run/split.js';
import { runEvalDir, runFile } from '../../run/paths.js';
import { configSchema, type RunConfig } from '../../run/schemas.js';
import { parseJsonFile, readEvalOutputs } from './evalOutputs.js';
import type { TrainedRun } from './record.js';

export type { RunRecord, TrainedRun, ModelEvaluation } from './record.js';

/** The variant name: `config.variant`, else built from model/flow/flowSteps (e.g. `probunet+planar2`); undefined when neither. */
export function configVariant(config: RunConfig): string | undefined {
  if (config.variant) return config.variant;
  if (config.modelConfig) return configVariant({ ...config, ...config.modelConfig, variant: undefined, modelConfig: undefined });
  if (config.model) return config.flow ? `${config.model}+${config.flow}${config.flowSteps ?? ''}` : config.model;
  return undefined;
}

const EVALUATE = 'run `flowseg evaluate` on this run folder to (re)create it';

/** Reads and validates one run folder (see docs/run-format.md). */
export function readRun(dir: string): TrainedRun {
  const notes: string[] = [];
  const configFile = runFile(dir, 'config');
  const config = parseJsonFile(configFile, configSchema, 'it is written by `flowseg train`; retrain or restore it');
  const variant = configVariant(config);
  if (variant === undefined) throw new FlowsegInputError(`${configFile} has neither "variant" nor "model"; add "variant" (e.g. "probunet+planar2")`);
  const outputs = readEvalOutputs(runEvalDir(dir), notes, EVALUATE);
  const log = readLog(dir, notes);
  return {
    kind: 'run',
    dir,
    variant,
    fold: config.fold ?? null,
    config,
    steps: log.steps,
    epochs: log.epochs,
    splitSizes: splitSizes(dir, notes),
    ...outputs,
    notes,
  };
}

/** Items per part of the run's split.json (read by src/run's loadRunSplit); a bad file is a note, not an error. */
function splitSizes(dir: string, notes: string[]): TrainedRun['splitSizes'] {
  try {
    const split = loadRunSplit(dir);
    return split ? { train: split.train.length, val: split.val.length, test: split.test.length } : undefined;
  } catch (err) {
    notes.push((err as Error).message);
    return undefined;
  }
}
