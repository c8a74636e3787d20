/**
 * `flowseg cv` as a library: plan the (variant × fold) jobs of a preset, list their status,
 * run one (`job`) or all of them — skipping done jobs, resuming partial ones — and, after a
 * full run, merge them into the Table-1 report `<out>/report/`.
 */
import { appendFileSync, existsSync, mkdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { checkOutputDir, markOutputDir } from '../util/outputDir.js';
import { METRICS } from '../eval/report/aggregate.js';
import { buildReport, type ReportResult } from '../eval/report/buildReport.js';
import { openDataset } from '../data/open.js';
import { splitDataset } from '../data/splits.js';
import { FlowsegInputError } from '../util/errors.js';
import { jobStatus, planJobs, type Budget, type Job, type JobStatus } from './jobs.js';
import { readDone } from '../run/index.js';
import { checkPlan, PLAN, writePlan } from './plan.js';
import type { Preset } from './presets.js';
import { cvProgress, type PlannedJob } from './progress.js';
import { effectiveConfig, runJob, type JobResult } from './runJob.js';

export const CV_LOG = 'cv.log';

export interface CvOptions {
  preset: Preset;
  data: string;
  out: string;
  foldsToRun?: readonly number[];
  /** Per-job budget from the command line (also raises the budget of resumed jobs). */
  budget: Budget;
  /** Run only the job with this index (a Slurm array / Kubernetes Indexed Job task). */
  job?: number;
  progress?: boolean;
  /** Example sample grids rendered per job into eval/examples/ (default 4). */
  examples?: number;
  /** Also run in a folder flowseg did not create (its files there are kept). */
  overwrite?: boolean;
  /** Prior samples per test image (default: the preset's). */
  samples?: number;
  /** Evaluate only the first N test images of each job. */
  maxImages?: number;
  /** Build <out>/report when every job is done (default true). */
  report?: boolean;
}

export interface JobListing {
  index: number;
  variant: string;
  fold: number;
  dir: string;
  status: JobStatus;
}

export interface CvResult {
  ran: (JobResult & { index: number })[];
  skipped: number[];
  failed: { index: number; variant: string; fold: number; message: string }[];
  /** Built after a full run (no `job`) once every job is done. */
  report: ReportResult | null;
}

function jobsOf(o: CvOptions): Job[] {
  return planJobs(o.preset, { data: o.data, out: o.out, foldsToRun: o.foldsToRun, budget: o.budget });
}

/** Every job with its status; checks that `out` holds this experiment, writes nothing. */
export function listJobs(o: CvOptions): JobListing[] {
  checkPlan(o.out, o.preset, o.data);
  return jobsOf(o).map((j) => ({ index: j.index, variant: j.variant, fold: j.fold, dir: j.dir, status: jobStatus(j.dir) }));
}

/** Steps each job trains at most, from its budget and its fold's training-set size. */
function plannedJobs(jobs: readonly Job[], budget: Budget): PlannedJob[] {
  const first = jobs[0];
  if (!first) return [];
  const dataset = openDataset(first.config);
  const trainSize = new Map<number, number>();
  try {
    return jobs.map((job) => {
      const label = `${job.variant} fold ${job.fold}`;
      const done = readDone(job.dir);
      if (done) return { label, steps: done.steps, capSeconds: null, done: true };
      const c = effectiveConfig(job, budget);
      if (!trainSize.has(job.fold)) trainSize.set(job.fold, splitDataset(dataset, c).train.length);
      const perEpoch = Math.ceil((trainSize.get(job.fold) ?? 0) / c.batchSize);
      return {
        label,
        steps: Math.min(c.maxSteps ?? Number.POSITIVE_INFINITY, c.epochs * perEpoch),
        capSeconds: c.maxMinutes === null ? null : c.maxMinutes * 60,
        done: false,
      };
    });
  } finally {
    dataset.close?.();
  }
}

function metricSummary(metrics: Record<string, number | null>): string {
  return METRICS.filter((m) => m.key in metrics)
    .map((m) => `${m.label} ${metrics[m.key] === null ? 'n/a' : (metrics[m.key] as number).toFixed(m.decimals)}`)
    .join(', ');
}

/** Runs the selected jobs in index order; a failing job is logged and the others still run (except with `job`). */
export function runCv(o: CvOptions): CvResult {
  const jobs = jobsOf(o);
  if (o.job !== undefined && !(o.job >= 0 && o.job < jobs.length)) {
    throw new FlowsegInputError(
      `--job ${o.job}: this experiment has ${jobs.length} jobs (0…${jobs.length - 1}); pass the same --preset/--folds-to-run as --list-jobs`,
    );
  }
  // An experiment folder is new, empty, or this experiment's (plan.json is checked by writePlan).
  if (!existsSync(join(o.out, PLAN))) checkOutputDir(o.out, 'experiment', { overwrite: o.overwrite });
  mkdirSync(o.out, { recursive: true });
  writePlan(o.out, o.preset, o.data, jobs);
  markOutputDir(o.out, 'experiment', [PLAN, CV_LOG, 'report', ...new Set(jobs.map((j) => relative(o.out, j.dir).split(sep)[0] ?? ''))]);
  const selected = o.job === undefined ? jobs : [jobs[o.job] as Job];
  const log = (line: Record<string, unknown>): void => appendFileSync(join(o.out, CV_LOG), `${JSON.stringify({ time: new Date().toISOString(), ...line })}\n`);
  const bar = cvProgress(plannedJobs(selected, o.budget), o.progress ?? false);
  const result: CvResult = { ran: [], skipped: [], failed: [], report: null };
  try {
    selected.forEach((job, i) => {
      if (jobStatus(job.dir) === 'done') {
        result.skipped.push(job.index);
        log({ kind: 'job-skip', index: job.index, variant: job.variant, fold: job.fold, reason: 'done' });
        return;
      }
      try {
        const r = runJob(
          job,
          o.preset,
          { budget: o.budget, examples: o.examples ?? 4, samples: o.samples, maxImages: o.maxImages },
          {
            log,
            onStep: (step) => bar.step(i, step),
            onEvaluate: () => bar.evaluating(i),
            onStart: (fromStep) => bar.start(i, fromStep),
          },
        );
        result.ran.push({ ...r, index: job.index });
        bar.end(i, {
          evalSeconds: r.evalSeconds,
          summary: `${r.steps} steps (${r.stopReason}), ${r.minutes.toFixed(1)} min training; ${metricSummary(r.metrics)}`,
        });
      } catch (err) {
        if (o.job !== undefined) throw err;
        const message = (err as Error).message;
        log({ kind: 'job-error', index: job.index, variant: job.variant, fold: job.fold, message });
        result.failed.push({ index: job.index, variant: job.variant, fold: job.fold, message });
        bar.end(i, { evalSeconds: 0, summary: `FAILED: ${message}` });
      }
    });
  } finally {
    bar.stop();
  }
  if (o.job === undefined && result.failed.length === 0 && o.report !== false) {
    result.report = buildReport([o.out], join(o.out, 'report'));
    log({ kind: 'report', dir: result.report.outDir, runs: result.report.runs });
  }
  return result;
}
