/**
 * One (variant, fold) job: train (fresh, or resumed from checkpoint-last), evaluate the best
 * checkpoint on the fold's test patients into `eval/`, then write the `done` marker last.
 */
import { existsSync, rmSync } from 'node:fs';
import { evaluate } from '../eval/evaluate.js';
import { TorchSampler } from '../eval/torchSampler.js';
import {
  lastLogLine,
  loadTrainedModel,
  readRunConfig,
  runEvalDir,
  runFile,
  writeDone,
  writeRunConfig,
  type DoneMarker,
  type TrainConfig,
} from '../run/index.js';
import { train } from '../train/index.js';
import { checkOutputDir } from '../util/outputDir.js';
import { jobStatus, type Budget, type Job } from './jobs.js';
import type { Preset } from './presets.js';

function savedBudget(dir: string): Budget {
  const file = runFile(dir, 'config');
  if (!existsSync(file)) return {};
  const b = readRunConfig(file).budget;
  return { maxEpochs: b.maxEpochs, maxSteps: b.maxSteps ?? undefined, maxMinutes: b.maxMinutes ?? undefined };
}

/**
 * The config a job trains with now: for a partial job, budgets given on this command line win
 * (they may be raised), the others stay as the run was started with (like `flowseg train --resume`).
 */
export function effectiveConfig(job: Job, given: Budget): TrainConfig {
  if (jobStatus(job.dir) !== 'partial') return job.config;
  const saved = savedBudget(job.dir);
  return {
    ...job.config,
    epochs: given.maxEpochs ?? saved.maxEpochs ?? job.config.epochs,
    maxSteps: given.maxSteps ?? saved.maxSteps ?? null,
    maxMinutes: given.maxMinutes ?? saved.maxMinutes ?? null,
  };
}

/** config.json states the budget the run was last trained with (train writes it on a fresh start only). */
function recordBudget(dir: string, c: TrainConfig): void {
  const file = runFile(dir, 'config');
  const saved = readRunConfig(file);
  writeRunConfig(file, { ...saved, epochs: c.epochs, maxSteps: c.maxSteps, maxMinutes: c.maxMinutes }, { preset: saved.preset, samples: saved.samples });
}

export interface JobEvents {
  /** A cv.log line. */
  log(line: Record<string, unknown>): void;
  /** Training starts (at `fromStep` when resumed). */
  onStart?(fromStep: number): void;
  /** After every optimizer step, with the job's absolute step. */
  onStep?(step: number): void;
  /** Training finished, evaluation starts. */
  onEvaluate?(): void;
}

export interface JobResult extends DoneMarker {
  resumed: boolean;
  fromStep: number;
  /** Steps and seconds of training in this call (for the ETA). */
  sessionSteps: number;
  trainSeconds: number;
  evalSeconds: number;
}

export function runJob(job: Job, preset: Preset, o: { budget: Budget; examples: number; samples?: number; maxImages?: number }, events: JobEvents): JobResult {
  const samples = o.samples ?? preset.samples;
  const resumed = jobStatus(job.dir) === 'partial';
  // A pending job's folder holds at most leftovers of a run killed before its first checkpoint.
  // Removed only when flowseg marked it as its own run folder (checkOutputDir refuses anything else).
  if (!resumed && existsSync(job.dir) && checkOutputDir(job.dir, 'run') === 'own') rmSync(job.dir, { recursive: true });
  const config = effectiveConfig(job, o.budget);
  const before = resumed ? lastLogLine(job.dir, ['epoch', 'stop']) : null;
  const fromStep = typeof before?.step === 'number' ? before.step : 0;
  const base = { index: job.index, variant: job.variant, fold: job.fold };
  events.log({
    kind: 'job-start',
    ...base,
    dir: job.dir,
    resumed,
    fromStep,
    budget: { maxEpochs: config.epochs, maxSteps: config.maxSteps, maxMinutes: config.maxMinutes },
  });
  events.onStart?.(fromStep);
  const t0 = performance.now();
  let trained: { steps: number; epochs: number; stopReason: string };
  if (before?.kind === 'stop' && before.reason === 'early-stopping') {
    // Training converged before the interruption; resuming would train past the patience limit.
    trained = { steps: fromStep, epochs: Number(before.epoch ?? 0), stopReason: 'early-stopping' };
  } else {
    const extraConfig = { preset: preset.name, samples };
    const r = train({ config, outDir: job.dir, resume: resumed, progress: false, extraConfig, onStep: (step) => events.onStep?.(step) });
    r.model.dispose();
    trained = { steps: r.state.step, epochs: r.state.epoch, stopReason: r.stopReason };
    if (resumed) recordBudget(job.dir, config);
  }
  const t1 = performance.now();
  events.onEvaluate?.();
  const { model, config: saved } = loadTrainedModel(job.dir);
  let summary: Record<string, unknown>;
  try {
    summary = evaluate({
      sampler: new TorchSampler(model),
      config: saved,
      runDir: job.dir,
      split: 'test',
      samples,
      maxImages: o.maxImages,
      out: runEvalDir(job.dir),
      seed: 0,
      examples: o.examples,
      progress: false,
    }).summary;
  } finally {
    model.dispose();
  }
  const t2 = performance.now();
  const metrics: Record<string, number | null> = {};
  for (const k of preset.metrics) {
    const mean = (summary[k] as { mean?: number } | undefined)?.mean;
    metrics[k] = mean !== undefined && Number.isFinite(mean) ? mean : null;
  }
  const stop = lastLogLine(job.dir, ['stop']);
  const marker: DoneMarker = {
    finishedAt: new Date().toISOString(),
    ...trained,
    minutes: round((typeof stop?.seconds === 'number' ? stop.seconds : (t1 - t0) / 1000) / 60),
    metrics,
  };
  writeDone(job.dir, marker);
  const result: JobResult = {
    ...marker,
    resumed,
    fromStep,
    sessionSteps: trained.steps - fromStep,
    trainSeconds: (t1 - t0) / 1000,
    evalSeconds: (t2 - t1) / 1000,
  };
  events.log({
    kind: 'job-end',
    ...base,
    steps: trained.steps,
    epochs: trained.epochs,
    stopReason: trained.stopReason,
    minutes: marker.minutes,
    sessionMinutes: round((t2 - t0) / 60000),
    evalMinutes: round(result.evalSeconds / 60),
    metrics,
  });
  return result;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
