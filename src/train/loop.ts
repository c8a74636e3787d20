import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { manualSeed, releaseFreeMemory } from '../tensor/engine.js';
import { Optimizer } from '../tensor/optimizer.js';
import { createModel } from '../models/create.js';
import type { SegmentationModel } from '../models/segmentationModel.js';
import { openDataset } from '../data/open.js';
import { splitDataset } from '../data/splits.js';
import {
  appendLog,
  freshTrainState,
  disposeCheckpoint,
  lockRun,
  readCheckpoint,
  restore,
  rollbackLog,
  RUN_ENTRIES,
  runFile,
  saveCheckpoint,
  saveRunSplit,
  writeRunConfig,
  type LogLine,
  type TrainConfig,
  type TrainState,
} from '../run/index.js';
import { FlowsegInputError } from '../util/errors.js';
import { checkOutputDir, markOutputDir, OUTPUT_MARKER } from '../util/outputDir.js';
import { Rng } from '../util/rng.js';
import { sweepStaleTemps } from '../util/temps.js';
import { chunk } from './batches.js';
import { SATURATION_SHARE } from './health.js';
import { countProgress } from '../util/progress.js';
import { trainStep } from './step.js';
import { GradClipPolicy } from './gradClipPolicy.js';
import { foregroundRate, initOutputBias } from './outputPrior.js';
import { budgetFraction, learningRate } from './lrSchedule.js';
import { validate } from './validate.js';
import { checkResumeWorldSize, type DistributedTraining } from '../distributed/training.js';

export interface TrainOptions {
  config: TrainConfig;
  outDir: string;
  resume?: boolean;
  /** Also train into a folder flowseg did not create (its files there are kept). */
  overwrite?: boolean;
  /** Show a progress bar / periodic lines on stderr. */
  progress?: boolean;
  /** Extra fields for config.json (the preset and samples of a cv job). */
  extraConfig?: { preset?: string; samples?: number };
  /** Called after every optimizer step (e.g. an overall progress bar across cv jobs). */
  onStep?: (step: number, loss: number) => void;
  /** Warnings (saturated σ, no validation patients); default: stderr. */
  onWarning?: (message: string) => void;
  /** Data-parallel training (src/distributed): every rank runs train(); rank 0 alone writes the run folder. */
  distributed?: DistributedTraining;
}

export type StopReason = 'epochs' | 'early-stopping' | 'max-steps' | 'max-minutes';

export interface TrainResult {
  model: SegmentationModel;
  state: TrainState;
  stopReason: StopReason;
}

/**
 * Trains one model. Validation runs every `valEverySteps` steps (or once per epoch) on at most
 * `maxValImages` images; after each, checkpoint `last` is saved (and `best` on improvement),
 * so a resumed run continues from the last validation. The run folder is locked while training.
 */
export function train(opts: TrainOptions): TrainResult {
  const { outDir } = opts;
  const warn = opts.onWarning ?? ((m: string) => process.stderr.write(`flowseg train: warning: ${m}\n`));
  const lastPath = runFile(outDir, 'last');
  const dist = opts.distributed;
  const writes = dist?.writes ?? true;
  if (writes && !opts.resume && existsSync(lastPath))
    throw new FlowsegInputError(`--out ${outDir} already holds a run — pass --resume to continue it, or choose another --out`);
  if (opts.resume && !existsSync(lastPath)) throw new FlowsegInputError(`--resume: ${lastPath} not found — start without --resume`);
  const mode = opts.resume || !writes ? 'own' : checkOutputDir(outDir, 'run', { overwrite: opts.overwrite });
  if (mode === 'merge') {
    const clash = RUN_ENTRIES.find((e) => existsSync(join(outDir, e)));
    if (clash) throw new FlowsegInputError(`--out ${outDir}: it holds ${clash}, which flowseg did not write; move it away or choose a new folder`);
  }
  // Everything that can fail on bad input happens before the first file is written.
  const dataset = openDataset(opts.config);
  const parts = splitDataset(dataset, opts.config);
  const { channels, height, width } = dataset.shape;
  const config: TrainConfig = { ...opts.config, inputShape: [channels, height, width] };
  const minSide = 2 ** (config.modelConfig.filters.length - 1);
  if (height < minSide || width < minSide) {
    throw new FlowsegInputError(
      `images are ${height}×${width}, too small for ${config.modelConfig.filters.length} U-Net levels (need ≥ ${minSide} px per side); use larger images or fewer --filters`,
    );
  }
  if (parts.val.length === 0 && writes)
    warn('no validation patients: early stopping and the best checkpoint follow the training loss (use more patients or --fold)');
  manualSeed(config.seed);
  const model = createModel({ ...config.modelConfig, inChannels: channels });
  const lrScales = [...model.namedParameters().keys()].map((name) => (name.startsWith('prior.') || name.startsWith('priorHead.') ? config.priorLrScale : 1));
  const optimizer = new Optimizer('adam', model.parameters(), { lr: config.lr, weightDecay: config.weightDecay, lrScales });
  const dataRng = new Rng(config.seed);
  let state = freshTrainState();

  const created = !existsSync(outDir);
  if (writes) mkdirSync(outDir, { recursive: true });
  // Mark before locking: a fresh run killed between the two must leave a folder flowseg still owns.
  if (writes && !opts.resume && mode !== 'merge') markOutputDir(outDir, 'run', RUN_ENTRIES);
  const lock = writes ? lockRun(outDir) : null;
  if (writes) sweepStaleTemps(outDir); // half-written checkpoints of a killed run
  let checkpointed = opts.resume === true;
  try {
    if (opts.resume) {
      const ckpt = readCheckpoint(lastPath, 'last');
      checkResumeWorldSize(ckpt.state.worldSize, dist?.worldSize ?? 1, outDir);
      restore(ckpt, model, optimizer, lastPath);
      state = ckpt.state;
      disposeCheckpoint(ckpt);
      dataRng.setState(state.dataRng);
      if (writes) rollbackLog(outDir, state.step);
    } else {
      if (config.outputBiasInit === 'foreground') initOutputBias(model, foregroundRate(dataset, parts.train));
      if (writes) {
        markOutputDir(outDir, 'run', RUN_ENTRIES);
        // Leftovers of a fresh start killed before its first checkpoint (this folder is flowseg's own).
        rmSync(runFile(outDir, 'log'), { force: true });
        writeRunConfig(runFile(outDir, 'config'), config, opts.extraConfig);
        saveRunSplit(outDir, parts.split);
      }
    }
    if (dist) {
      dist.attach(model);
      state.worldSize = dist.worldSize;
    }
    const result = loop({ ...opts, config, warn }, model, optimizer, dataset, parts, dataRng, state, () => {
      checkpointed = true;
    });
    return result;
  } catch (err) {
    model.dispose();
    lock?.release();
    // A fresh run that failed before its first checkpoint leaves nothing behind.
    if (writes && !checkpointed && mode !== 'merge') removeFreshRun(outDir, created);
    throw err;
  } finally {
    lock?.release();
    dataset.close?.();
  }
}

function removeFreshRun(outDir: string, created: boolean): void {
  for (const f of ['config', 'split', 'log'] as const) rmSync(runFile(outDir, f), { force: true });
  const left = readdirSync(outDir).filter((e) => e !== OUTPUT_MARKER);
  if (left.length === 0) {
    rmSync(`${outDir}/${OUTPUT_MARKER}`, { force: true });
    if (created) rmSync(outDir, { recursive: true, force: true });
  }
}

type Parts = ReturnType<typeof splitDataset>;

function loop(
  opts: TrainOptions & { config: TrainConfig; warn: (m: string) => void },
  model: SegmentationModel,
  optimizer: Optimizer,
  dataset: ReturnType<typeof openDataset>,
  parts: Parts,
  dataRng: Rng,
  initial: TrainState,
  onCheckpoint: () => void,
): TrainResult {
  const { config, outDir } = opts;
  let state = initial;
  const dist = opts.distributed;
  const writes = dist?.writes ?? true;
  const log = (line: LogLine): void => {
    if (writes) appendLog(outDir, line);
  };
  // --batch-size is per process: a step consumes worldSize × batchSize items of the epoch order.
  const globalBatch = config.batchSize * (dist?.worldSize ?? 1);
  const batchesPerEpoch = Math.ceil(parts.train.length / globalBatch);
  const total = Math.min(config.maxSteps ?? Number.POSITIVE_INFINITY, config.epochs * batchesPerEpoch);
  const bar = countProgress({
    label: config.variant,
    total,
    unit: 'steps',
    start: state.step,
    enabled: (opts.progress ?? false) && writes,
    maxSeconds: config.maxMinutes === null ? null : config.maxMinutes * 60 - state.elapsedSeconds,
  });
  const startedAt = performance.now() - state.elapsedSeconds * 1000;
  const elapsed = (): number => (performance.now() - startedAt) / 1000;
  const save = (file: 'last' | 'best'): void => {
    if (writes)
      saveCheckpoint(runFile(outDir, file), model, optimizer, config, {
        ...state,
        dataRng: dataRng.getState(),
        ...(config.gradClip === 'auto' ? { gradNormHistory: clip.history() } : {}),
        elapsedSeconds: elapsed(),
        optimizerSteps: optimizer.stepCount,
      });
    if (file === 'last') onCheckpoint();
  };
  const clip = new GradClipPolicy(config.gradClip, state.gradNormHistory);
  const valIndices = config.maxValImages === null ? parts.val : parts.val.slice(0, config.maxValImages);
  let saturationWarned = false;
  // Ranks' clocks differ: the time budget is one decision for all of them.
  const outOfTime = (mine: boolean): boolean => (dist ? dist.anyRank(mine) : mine);
  let stopReason: StopReason = 'epochs';
  /** The rate for the next step; ranks agree on the budget fraction (their clocks differ). */
  const scheduledLr = (): number => {
    if (config.lrSchedule === 'constant') return config.lr;
    const mine = budgetFraction(state.step, total, elapsed(), config.maxMinutes === null ? null : config.maxMinutes * 60);
    const fraction = dist ? dist.meanOf(mine) : mine;
    return learningRate(config.lrSchedule, config.lr, config.warmupSteps, state.step, fraction);
  };

  /** Validation round: early-stopping bookkeeping, checkpoints. Returns true when patience ran out. */
  let lastValidatedStep: number | null = null;
  /** Epoch bookkeeping at an epoch end: the next epoch starts with a fresh order and loss sums. */
  const startNextEpoch = (): void => {
    state = { ...state, epoch: state.epoch + 1, batchInEpoch: 0, epochOrder: [], epochLossSum: 0, epochLossCount: 0 };
  };
  const validationRound = (epochEnd: boolean): boolean => {
    lastValidatedStep = state.step;
    bar.status('validating');
    const t0 = performance.now();
    const indices = valIndices.length > 0 ? valIndices : parts.train.slice(0, config.maxValImages ?? undefined);
    const run = (mine: readonly number[]) =>
      validate(model, dataset, mine, { batchSize: config.batchSize, withGed: config.monitor === 'ged', samples: config.valSamples, seed: config.seed + 1 });
    const v = dist ? dist.validate(indices, run) : run(indices);
    releaseFreeMemory();
    const metric = config.monitor === 'ged' ? (v.ged as number) : v.loss;
    const improved = state.bestMetric === null || metric < state.bestMetric || Number.isNaN(state.bestMetric);
    const trainLoss = state.epochLossSum / Math.max(1, state.epochLossCount);
    if (epochEnd) startNextEpoch();
    if (improved) {
      state.bestMetric = metric;
      state.bestEpoch = epochEnd ? state.epoch : state.epoch + 1;
      state.epochsWithoutImprovement = 0;
      save('best');
    } else state.epochsWithoutImprovement++;
    // Epochs are counted from 1 in the log (the epoch just completed, or the one in progress).
    log({
      kind: 'epoch',
      epoch: epochEnd ? state.epoch : state.epoch + 1,
      partial: !epochEnd,
      step: state.step,
      trainLoss,
      valLoss: v.loss,
      valGed: v.ged,
      best: improved,
      valSeconds: Number(((performance.now() - t0) / 1000).toFixed(3)),
      seconds: Number(elapsed().toFixed(3)),
    });
    save('last');
    bar.status('');
    return state.epochsWithoutImprovement >= config.patience;
  };

  outer: while (state.epoch < config.epochs) {
    if (state.epochOrder.length === 0) state.epochOrder = dataRng.shuffle([...parts.train]);
    const batches = chunk(state.epochOrder, globalBatch);
    while (state.batchInEpoch < batches.length) {
      if (config.maxSteps !== null && state.step >= config.maxSteps) stopReason = 'max-steps';
      else if (config.maxMinutes !== null && outOfTime(elapsed() >= config.maxMinutes * 60)) stopReason = 'max-minutes';
      if (stopReason !== 'epochs') break outer;
      const idx = batches[state.batchInEpoch] as number[];
      optimizer.lr = scheduledLr();
      const clipLimit = clip.limit();
      const values = trainStep(
        {
          model,
          optimizer,
          dataset,
          config,
          dataRng,
          clipLimit,
          where: { step: state.step + 1, epoch: state.epoch + 1, batch: state.batchInEpoch, lastCheckpoint: runFile(outDir, 'last') },
          parallel: dist,
        },
        idx,
      );
      releaseFreeMemory();
      clip.observe(values.gradNorm);
      state.step++;
      state.batchInEpoch++;
      state.epochLossSum += values.loss;
      state.epochLossCount++;
      const h = values.health;
      log({
        kind: 'step',
        step: state.step,
        epoch: state.epoch + 1,
        loss: values.loss,
        ce: values.ce,
        kl: values.kl,
        logDet: values.logDet,
        gradNorm: round(values.gradNorm),
        ...(clipLimit !== null ? { gradLimit: round(clipLimit) } : {}),
        lr: Number(optimizer.lr.toPrecision(4)),
        ...(h ? { priorLogSigma: round(h.priorLogSigma), posteriorLogSigma: round(h.posteriorLogSigma), sigmaAtBound: round(h.atBound) } : {}),
        seconds: round(elapsed()),
      });
      if (h && h.atBound > SATURATION_SHARE && !saturationWarned && writes) {
        saturationWarned = true;
        const msg = `step ${state.step}: ${(100 * h.atBound).toFixed(0)}% of the latent log σ sit at their bound (prior mean log σ ${h.priorLogSigma.toFixed(2)}); the prior may be degenerate — lower --lr or set --grad-clip`;
        log({ kind: 'warning', step: state.step, message: msg });
        opts.warn(msg);
      }
      bar.update(state.step, `epoch ${state.epoch + 1} | loss ${values.loss.toFixed(2)}`);
      opts.onStep?.(state.step, values.loss);
      const periodic = config.valEverySteps !== null && state.step % config.valEverySteps === 0 && state.batchInEpoch < batches.length;
      if (periodic && validationRound(false)) {
        stopReason = 'early-stopping';
        break outer;
      }
    }
    // With periodic validation, an epoch end within half a period of the last round starts the
    // next epoch without another round (it cost ~20 s on LIDC, 3–12 steps after the periodic one).
    const justValidated = config.valEverySteps !== null && lastValidatedStep !== null && state.step - lastValidatedStep < config.valEverySteps / 2;
    if (justValidated) {
      startNextEpoch();
      save('last');
    } else if (validationRound(true)) {
      stopReason = 'early-stopping';
      break;
    }
  }
  if (stopReason === 'max-steps' || stopReason === 'max-minutes') {
    // A budget stop validates the final weights (unless they just were), so `best` can be them:
    // the last steps of an annealed schedule are often the best ones.
    if (state.step > 0 && lastValidatedStep !== state.step) validationRound(false);
    else save('last');
  }
  bar.stop();
  log({ kind: 'stop', reason: stopReason, step: state.step, epoch: state.epoch, seconds: round(elapsed()) });
  state.dataRng = dataRng.getState();
  if (config.gradClip === 'auto') state.gradNormHistory = clip.history();
  return { model, state, stopReason };
}

const round = (x: number): number => Number(x.toFixed(4));
