import { type Command, InvalidArgumentError } from 'commander';
import { relative } from 'node:path';
import { listJobs, resolvePreset, runCv, type Budget, type CvOptions } from '../experiments/index.js';
import { intList, nonNegativeInt, positiveInt, positiveNumber, samplesPerImage } from './options.js';

interface CvFlags {
  preset: string;
  data: string;
  out: string;
  foldsToRun?: number[];
  variants?: string[];
  filters?: number[];
  batchSize?: number;
  lr?: number;
  epochs?: number;
  samples?: number;
  maxImages?: number;
  maxSteps?: number;
  maxMinutes?: number;
  listJobs?: boolean;
  job?: number;
  json?: boolean;
  overwrite?: boolean;
}

function foldList(value: string): number[] {
  const folds = value.split(',').map((s) => Number(s.trim()));
  if (folds.some((k) => !Number.isInteger(k) || k < 0)) throw new InvalidArgumentError(`expected comma-separated fold indices like 0,1,2, got '${value}'`);
  return folds;
}

function nameList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

const shown = (p: string): string => relative(process.cwd(), p) || p;

function options(f: CvFlags): CvOptions {
  const preset = resolvePreset(f.preset, { variants: f.variants, filters: f.filters, batchSize: f.batchSize, lr: f.lr });
  const budget: Budget = { maxEpochs: f.epochs, maxSteps: f.maxSteps, maxMinutes: f.maxMinutes };
  return {
    preset,
    data: f.data,
    out: f.out,
    foldsToRun: f.foldsToRun,
    budget,
    job: f.job,
    progress: true,
    overwrite: f.overwrite,
    samples: f.samples,
    maxImages: f.maxImages,
  };
}

/** `flowseg cv`: the papers' protocols as (variant × fold) jobs that scale out (docs/scale-out.md). */
export function register(program: Command): void {
  program
    .command('cv')
    .description('cross-validation experiment: train + evaluate every (variant, fold) job of a preset into <out>/<variant>/fold_<k>/, then <out>/report/')
    .requiredOption('--preset <name|file>', 'valiuddin2021 | selvan2020 | a preset .json/.yaml file (docs/scale-out.md)')
    .requiredOption('--data <dir|synthetic>', 'prepared data dir (flowseg prepare) or "synthetic"')
    .option('--out <dir>', "experiment folder: new, empty, or this experiment's (resumed)", 'exp')
    .option('--overwrite', 'also run in a non-empty folder flowseg did not create (your files there are kept)')
    .option('--folds-to-run <list>', 'only these folds, e.g. 0,1,2 (job indices count the selected jobs only)', foldList)
    .option('--variants <list>', "only these of the preset's variants, e.g. probunet,probunet+planar2", nameList)
    .option('--filters <list>', 'override the U-Net filters per level (e.g. 16,32,64,96 on CPU)', intList)
    .option('--batch-size <B>', 'override the batch size', positiveInt)
    .option('--lr <x>', 'override the Adam learning rate', positiveNumber)
    .option('--epochs <N>', "per-job epoch budget (default: the preset's epochs), as in flowseg train", positiveInt)
    .option('-n, --samples <N>', "prior samples per test image (default: the preset's)", samplesPerImage)
    .option('--max-images <N>', 'evaluate only the first N test images of each job', positiveInt)
    .option('--max-steps <N>', 'per-job optimizer-step budget', positiveInt)
    .option('--max-minutes <M>', 'per-job training-time budget (cumulative over resumes)', positiveNumber)
    .option('--list-jobs', 'print one line per job: index, variant, fold, status (done | partial | pending)')
    .option('--job <index>', 'run only this job (e.g. $SLURM_ARRAY_TASK_ID or $JOB_COMPLETION_INDEX)', nonNegativeInt)
    .option('--json', 'machine-readable output')
    .action((f: CvFlags) => {
      const o = options(f);
      if (f.listJobs) {
        const jobs = listJobs(o);
        if (f.json) process.stdout.write(`${JSON.stringify({ preset: o.preset.name, out: o.out, jobs }, null, 2)}\n`);
        else process.stdout.write(jobs.map((j) => `${j.index}\t${j.variant}\tfold_${j.fold}\t${j.status}\n`).join(''));
        return;
      }
      const what = f.job === undefined ? 'all jobs' : `job ${f.job}`;
      process.stderr.write(`flowseg cv: ${o.preset.name} (${o.preset.variants.length} variants) on ${o.data} → ${o.out}, ${what}\n`);
      const r = runCv(o);
      for (const x of r.failed) process.stderr.write(`flowseg cv: job ${x.index} (${x.variant} fold ${x.fold}) failed: ${x.message}\n`);
      if (r.failed.length) process.exitCode = 1;
      const summary = {
        out: o.out,
        ran: r.ran.map((j) => ({ index: j.index, steps: j.steps, stopReason: j.stopReason, metrics: j.metrics })),
        skipped: r.skipped,
        failed: r.failed,
        report: r.report ? shown(r.report.html) : null,
      };
      if (f.json) return void process.stdout.write(`${JSON.stringify(summary)}\n`);
      const skipped = r.skipped.length ? `; skipped ${r.skipped.length} done job(s)` : '';
      process.stdout.write(`ran ${r.ran.length} job(s)${skipped}${r.failed.length ? `; ${r.failed.length} failed (see ${shown(o.out)}/cv.log)` : ''}\n`);
      if (r.report) process.stdout.write(`report: ${shown(r.report.html)} (also report.md, table.csv, table.json)\n`);
      else if (f.job !== undefined) process.stdout.write(`when all jobs are done: flowseg report ${shown(o.out)} --out ${shown(o.out)}/report\n`);
    });
}
