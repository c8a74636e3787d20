import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { RUN_FILES } from './paths.js';
import { saveSafetensors, loadSafetensors } from '../tensor/safetensors.js';
import { getRngState, setRngState } from '../tensor/engine.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Optimizer } from '../tensor/optimizer.js';
import type { SegmentationModel } from '../models/segmentationModel.js';
import { parseTrainConfig, runConfigFile, type TrainConfig } from './config.js';
import { diskFullError, FlowsegInputError } from '../util/errors.js';

/** Loop position and bookkeeping saved with the weights, so `--resume` continues exactly. */
export interface TrainState {
  epoch: number;
  /** Batches of `epoch` already done. */
  batchInEpoch: number;
  step: number;
  /** This epoch's shuffled training order. */
  epochOrder: number[];
  epochLossSum: number;
  epochLossCount: number;
  dataRng: number[];
  bestMetric: number | null;
  bestEpoch: number;
  epochsWithoutImprovement: number;
  elapsedSeconds: number;
  optimizerSteps: number;
  /** Pre-clip gradient norms `gradClip: auto` takes its limit from (absent: none yet). */
  gradNormHistory?: number[];
  /** Processes of a data-parallel run (absent = 1); --resume needs the same number. */
  worldSize?: number;
}

/** The state of a run before its first step (also what an imported or wrapped model carries). */
export function freshTrainState(): TrainState {
  return {
    epoch: 0,
    batchInEpoch: 0,
    step: 0,
    epochOrder: [],
    epochLossSum: 0,
    epochLossCount: 0,
    dataRng: [],
    bestMetric: null,
    bestEpoch: -1,
    epochsWithoutImprovement: 0,
    elapsedSeconds: 0,
    optimizerSteps: 0,
  };
}

export const LAST = RUN_FILES.last;
export const BEST = RUN_FILES.best;
const FORMAT = 'flowseg-checkpoint-1';

/** Weights + optimizer + torch RNG + loop state + config, in one atomic safetensors file. */
export function saveCheckpoint(path: string, model: SegmentationModel, optimizer: Optimizer | null, config: TrainConfig, state: TrainState): void {
  const tensors = new Map<string, Tensor>(model.namedParameters());
  const extra: Tensor[] = [];
  if (optimizer) {
    for (const [k, t] of optimizer.stateDict()) {
      tensors.set(k, t);
      extra.push(t);
    }
  }
  const rng = getRngState();
  extra.push(rng);
  tensors.set('rng.torch', rng);
  try {
    saveSafetensors(path, tensors, { format: FORMAT, config: JSON.stringify(runConfigFile(config)), state: JSON.stringify(state) });
  } catch (err) {
    // The write is atomic (temp file + rename), so the previous checkpoint at `path` is intact.
    const bytes = [...tensors.values()].reduce((n, t) => n + t.size * 4, 0); // float32 weights and optimizer moments
    throw diskFullError(err, path, bytes, existsSync(path) ? 'the previous checkpoint there is kept (resume from it with --resume)' : 'nothing was written');
  } finally {
    for (const t of extra) t.dispose();
  }
}

export interface LoadedCheckpoint {
  config: TrainConfig;
  state: TrainState;
  tensors: Map<string, Tensor>;
}

/** Reads a checkpoint file, or a run dir (its best checkpoint, else its last). */
export function readCheckpoint(pathOrRunDir: string, prefer: 'best' | 'last' = 'best'): LoadedCheckpoint {
  let path = pathOrRunDir;
  if (!path.endsWith('.safetensors')) {
    const order = prefer === 'best' ? [BEST, LAST] : [LAST, BEST];
    const found = order.map((f) => join(pathOrRunDir, f)).find((p) => existsSync(p));
    if (!found) throw new FlowsegInputError(`${pathOrRunDir}: no ${BEST} or ${LAST} — pass a run dir made by \`flowseg train\` or a checkpoint file`);
    path = found;
  }
  const { metadata, tensors } = loadSafetensors(path);
  try {
    if (metadata.format !== FORMAT || !metadata.config || !metadata.state) {
      throw new FlowsegInputError(`${path}: not a flowseg checkpoint (missing metadata) — was it written by \`flowseg train\`?`);
    }
    const config = parseTrainConfig(parseJson(metadata.config, path), `${path} (config)`);
    return { config, state: parseJson(metadata.state, path) as TrainState, tensors };
  } catch (err) {
    for (const t of tensors.values()) t.dispose();
    throw err;
  }
}

/** Restores weights (and optimizer + torch RNG when given) from a loaded checkpoint. */
export function restore(ckpt: LoadedCheckpoint, model: SegmentationModel, optimizer: Optimizer | null, source: string): void {
  model.loadStateDict(ckpt.tensors, source);
  if (optimizer) optimizer.loadStateDict(ckpt.state.optimizerSteps, ckpt.tensors);
  const rng = ckpt.tensors.get('rng.torch');
  if (optimizer && rng) setRngState(rng);
}

export function disposeCheckpoint(ckpt: LoadedCheckpoint): void {
  for (const t of ckpt.tensors.values()) t.dispose();
}

function parseJson(text: string, path: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new FlowsegInputError(`${path}: damaged checkpoint metadata (not JSON); use the other checkpoint of the run or retrain`);
  }
}
