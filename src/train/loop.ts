import { appendFileSync, existsSync, mkdirSync } from 'node:fs';
import { checkOutputDir, markOutputDir } from '../util/outputDir.js';
import { join } from 'node:path';
import { scope } from '../tensor/scope.js';
import { manualSeed } from '../tensor/engine.js';
import { Optimizer } from '../tensor/optimizer.js';
import { createModel } from '../models/create.js';
import type { SegmentationModel } from '../models/segmentationModel.js';
import { saveSplit } from '../data/splits.js';
import { writeFileAtomic } from '../util/atomicWrite.js';
import { FlowsegInputError } from '../util/errors.js';
import { Rng } from '../util/rng.js';
import type { TrainConfig } from './config.js';
import { openTrainingData, makeSplit } from './dataset.js';
import { chunk, makeBatch } from './batches.js';
import { BEST, LAST, saveCheckpoint, readCheckpoint, restore, disposeCheckpoint, type TrainState } from './checkpoint.js';
import { validate } from './validate.js';
import { stepProgress } from './progress.js';
import { TrainingDivergedError } from './errors.js';

export interface TrainOptions {
  config: TrainConfig;
  outDir: string;
  resume?: boolean;
  /** Also train into a folder flowseg did not create (its files there are kept). */
  overwrite?: boolean;
  /** Show a progress bar / periodic lines on stderr. */
  progress?: boolean;
  /** Extra fields for config.json (e.g. the budget of a cv job). */
  extraConfig?: Record<string, unknown>;
  /** Called after every optimizer step (e.g. an overall progress bar across cv jobs). */
  onStep?: (step: number, loss: number) => void;
}

export type StopReason = 'epochs' | 'early-stopping' | 'max-steps' | 'max-minutes';

export interface TrainResult {
  model: SegmentationModel;
  state: TrainState;
  stopReason: StopReason;
}

/** What a run folder holds (docs/run-format.md): the entries flowseg owns there. */
const RUN_ENTRIES = ['config.json', 'split.json', 'log.jsonl', LAST, BEST, 'eval'];

function freshState(): TrainState {
  return { epoch: 0, batchInEpoch: 0, step: 0, epochOrder: [], epochLossSum: 0, epochLossCount: 0, dataRng: [], bestMetric: null, bestEpoch: -1, epochsWithoutImprovement: 0, elapsedSeconds: 0, optimizerSteps: 0 };
}

/** Trains one model; checkpoints `last` (every epoch and at a budget stop) and `best` (on validation improvement). */
export function train(opts: TrainOptions): TrainResult {
  const { outDir } = opts;
  let config = opts.config;
  const lastPath = join(outDir, LAST);
  if (!opts.resume && existsSync(lastPath)) throw new FlowsegInputError(`--out ${outDir} already holds a run — pass --resume to continue it, or choose another --out`);
  if (opts.resume && !existsSync(lastPath)) throw new FlowsegInputError(`--resume: ${lastPath} not found — start without --resume`);
  if (!opts.resume) checkOutputDir(outDir, 'run', { overwrite: opts.overwrite });
  const dataset = openTrainingData(config);
  const parts = makeSplit(dataset, config);
  mkdirSync(outDir, { recursive: true });
  markOutputDir(outDir, 'run', RUN_ENTRIES);
  const { channels, height, width } = dataset.shape;
  config = { ...config, inputShape: [channels, height, width] };
  manualSeed(config.seed);
  const model = createModel({ ...config.modelConfig, inChannels: dataset.shape.channels });
  const optimizer = new Optimizer('adam', model.parameters(), { lr: config.lr, weightDecay: config.weightDecay });
  const dataRng = new Rng(config.seed);
  let state = freshState();
  if (opts.resume) {
    const ckpt = readCheckpoint(lastPath, 'last');
    restore(ckpt, model, optimizer, lastPath);
    state = ckpt.state;
    disposeCheckpoint(ckpt);
    dataRng.setState(state.dataRng);
  } else {
    const budget = { maxEpochs: config.epochs, maxSteps: config.maxSteps, maxMinutes: config.maxMinutes };
    const fold = config.split.kind === 'kfold' ? config.split.fold : null;
    writeFileAtomic(join(outDir, 'config.json'), `${JSON.stringify({ ...config, ...config.modelConfig, fold, budget, ...opts.extraConfig }, null, 2)}\n`);
    saveSplit(join(outDir, 'split.json'), parts.split);
  }
  const log = (line: Record<string, unknown>): void => appendFileSync(join(outDir, 'log.jsonl'), `${JSON.stringify(line)}\n`);
  const batchesPerEpoch = Math.ceil(parts.train.length / config.batchSize);
  const total = Math.min(config.maxSteps ?? Number.POSITIVE_INFINITY, config.epochs * batchesPerEpoch);
  const bar = stepProgress(config.variant, total, opts.progress ?? false, config.maxMinutes === null ? null : config.maxMinutes * 60 - state.elapsedSeconds);
  const startedAt = performance.now() - state.elapsedSeconds * 1000;
  const elapsed = (): number => (performance.now() - startedAt) / 1000;
  const save = (path: string): void => saveCheckpoint(path, model, optimizer, config, { ...state, elapsedSeconds: elapsed(), optimizerSteps: optimizer.stepCount });
  let stopReason: StopReason = 'epochs';

  outer: while (state.epoch < config.epochs) {
    if (state.epochOrder.length === 0) state.epochOrder = dataRng.shuffle([...parts.train]);
    const batches = chunk(state.epochOrder, config.batchSize);
    for (; state.batchInEpoch < batches.length; ) {
      if (config.maxSteps !== null && state.step >= config.maxSteps) (stopReason = 'max-steps');
      else if (config.maxMinutes !== null && elapsed() >= config.maxMinutes * 60) (stopReason = 'max-minutes');
      if (stopReason !== 'epochs') break outer;
      const idx = batches[state.batchInEpoch] as number[];
      const values = scope(() => {
        optimizer.zeroGrad();
        const batch = makeBatch(dataset, idx, config.raters, dataRng, config.augment, model.config.dtype);
        const p = model.loss(batch.images, batch.masks);
        const v = { loss: p.loss.item(), ce: p.ce.item(), kl: p.kl.item(), logDet: p.logDet.item() };
        const bad = (['ce', 'kl', 'logDet'] as const).find((k) => !Number.isFinite(v[k]));
        if (bad || !Number.isFinite(v.loss)) {
          throw new TrainingDivergedError(
            `loss became ${v.loss} at step ${state.step + 1} (epoch ${state.epoch}, batch ${state.batchInEpoch}, items ${idx.slice(0, 4).join(',')}…): ` +
              `the ${bad ?? 'total'} term is ${bad ? v[bad] : v.loss} — lower --lr or check the data; last good weights are in ${LAST}`,
          );
        }
        p.loss.backward();
        optimizer.step();
        return v;
      });
      state.step++;
      state.batchInEpoch++;
      state.epochLossSum += values.loss;
      state.epochLossCount++;
      log({ kind: 'step', step: state.step, epoch: state.epoch, ...values, seconds: Number(elapsed().toFixed(3)) });
      bar.update(state.step, { loss: values.loss, epoch: state.epoch });
      opts.onStep?.(state.step, values.loss);
    }
    const v = validate(model, dataset, limit(parts.val, config.maxValImages), { batchSize: config.batchSize, withGed: config.monitor === 'ged', samples: config.valSamples, seed: config.seed + 1 });
    const trainLoss = state.epochLossSum / Math.max(1, state.epochLossCount);
    const metric = config.monitor === 'ged' ? (v.ged as number) : v.loss;
    const improved = state.bestMetric === null || metric < state.bestMetric || Number.isNaN(state.bestMetric);
    state = { ...state, epoch: state.epoch + 1, batchInEpoch: 0, epochOrder: [], epochLossSum: 0, epochLossCount: 0, dataRng: dataRng.getState() };
    if (improved) {
      state.bestMetric = metric;
      state.bestEpoch = state.epoch - 1;
      state.epochsWithoutImprovement = 0;
      save(join(outDir, BEST));
    } else state.epochsWithoutImprovement++;
    log({ kind: 'epoch', epoch: state.epoch - 1, step: state.step, trainLoss: trainLoss, valLoss: v.loss, valGed: v.ged, best: improved, seconds: Number(elapsed().toFixed(3)) });
    save(lastPath);
    if (state.epochsWithoutImprovement >= config.patience) {
      stopReason = 'early-stopping';
      break;
    }
  }
  state.dataRng = dataRng.getState();
  if (stopReason === 'max-steps' || stopReason === 'max-minutes') {
    save(lastPath);
    if (!existsSync(join(outDir, BEST))) save(join(outDir, BEST));
  }
  bar.stop();
  log({ kind: 'stop', reason: stopReason, step: state.step, epoch: state.epoch, seconds: Number(elapsed().toFixed(3)) });
  return { model, state, stopReason };
}

function limit(indices: number[], max: number | null): number[] {
  return max === null ? indices : indices.slice(0, max);
}
