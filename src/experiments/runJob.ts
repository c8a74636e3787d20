/**
 * One (variant, fold) job: train (fresh, or resumed from checkpoint-last), evaluate the best
 * checkpoint on the fold's test patients into `eval/`, then write the `done` marker last.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { checkOutputDir } from '../util/outputDir.js';
import { join } from 'node:path';
import { evaluate } from '../eval/evaluate.js';
import { loadTrainedModel, train, type TrainConfig } from '../train/index.js';
import { writeFileAtomic } from '../util/atomicWrite.js';
import { jobStatus, writeDone, type Budget, type DoneMarker, type Job } from './jobs.js';
import type { Preset } from './presets.js';

interface LogLine {
  kind?: string;
  step?: number;
  epoch?: number;
  reason?: string;
  seconds?: number;
}

/**
 * The last log.jsonl line of one of `kinds`. Checkpoint-last is saved right after every
 * `epoch` line and before every `stop` line, so with `['epoch', 'stop']` this is where a
 * resumed run continues (step lines after it were lost with the interruption).
 */
function lastLogLine(dir: string, kinds: readonly string[]): LogLine | null {
  const file = join(dir, 'log.jsonl');
  if (!existsSync(file)) return null;
  const lines = readFileSync(file, 'utf8').split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    try {
      const line = JSON.parse(lines[i] as string) as LogLine;
      if (kinds.includes(line.kind ?? '')) return line;
    } catch {
      // blank, or cut by a kill
    }
  }
  return null;
}

function savedBudget(dir: string): Budget {
  const file = join(dir, 'config.json');
  if (!existsSync(file)) return {};
  const b = (JSON.parse(readFileSync(file, 'utf8')) as { budget?: { maxEpochs?: number | null; maxSteps?: number | null; maxMinutes?: number | null } }).budget;
  return { maxEpochs: b?.maxEpochs ?? undefined, maxSteps: b?.maxSteps ?? undefined, maxMinutes: b?.maxMinutes ?? undefined };
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
  const file = join(dir, 'config.json');
  const json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  json.budget = { maxEpochs: c.epochs, maxSteps: c.maxSteps, maxMinutes: c.maxMinutes };
  writeFileAtomic(file, `${JSON.stringify(json, null, 2)}\n`);
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

export function runJob(job: Job, preset: Preset, o: { budget: Budget; examples: number }, events: JobEvents): JobResult {
  const resumed = jobStatus(job.dir) === 'partial';
  // A pending job's folder holds at most leftovers of a run killed before its first checkpoint.
  // Removed only when flowseg marked it as its own run folder (checkOutputDir refuses anything else).
  if (!resumed && existsSync(job.dir) && checkOutputDir(job.dir, 'run') === 'own') rmSync(job.dir, { recursive: true });
  const config = effectiveConfig(job, o.budget);
  const before = resumed ? lastLogLine(job.dir, ['epoch', 'stop']) : null;
  const fromStep = before?.step ?? 0;
  const base = { index: job.index, variant: job.variant, fold: job.fold };
  events.log({ kind: 'job-start', ...base, dir: job.dir, resumed, fromStep, budget: { maxEpochs: config.epochs, maxSteps: config.maxSteps, maxMinutes: config.maxMinutes } });
  events.onStart?.(fromStep);
  const t0 = performance.now();
  let trained: { steps: number; epochs: number; stopReason: string };
  if (before?.kind === 'stop' && before.reason === 'early-stopping') {
    // Training converged before the interruption; resuming would train past the patience limit.
    trained = { steps: before.step ?? 0, epochs: before.epoch ?? 0, stopReason: 'early-stopping' };
  } else {
    const extraConfig = { preset: preset.name, raters: config.raters, samples: preset.samples };
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
    summary = evaluate({ model, config: saved, runDir: job.dir, split: 'test', samples: preset.samples, out: join(job.dir, 'eval'), seed: 0, examples: o.examples, progress: false }).summary;
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
  const marker: DoneMarker = { finishedAt: new Date().toISOString(), ...trained, minutes: round((stop?.seconds ?? (t1 - t0) / 1000) / 60), metrics };
  writeDone(job.dir, marker);
  const result: JobResult = { ...marker, resumed, fromStep, sessionSteps: trained.steps - fromStep, trainSeconds: (t1 - t0) / 1000, evalSeconds: (t2 - t1) / 1000 };
  events.log({ kind: 'job-end', ...base, steps: trained.steps, epochs: trained.epochs, stopReason: trained.stopReason, minutes: marker.minutes, sessionMinutes: round((t2 - t0) / 60000), evalMinutes: round(result.evalSeconds / 60), metrics });
  return result;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
