import { join } from 'node:path';

/**
 * The run folder contract (docs/run-format.md): every file name of a run lives here, and only
 * here. A run folder is what `flowseg train` writes into `--out`; its `eval/` folder is what
 * `flowseg evaluate` writes; `done` is what a finished `flowseg cv` job adds last.
 */
export const RUN_FILES = {
  config: 'config.json',
  split: 'split.json',
  log: 'log.jsonl',
  last: 'checkpoint-last.safetensors',
  best: 'checkpoint-best.safetensors',
  lock: 'run.lock',
  eval: 'eval',
  done: 'done',
} as const;

/** What `flowseg evaluate` writes into its output folder (by default `<run>/eval`). */
export const EVAL_FILES = {
  summary: 'summary.json',
  perImageJson: 'per_image.json',
  perImageCsv: 'per_image.csv',
  gedVsSamplesJson: 'ged_vs_samples.json',
  gedVsSamplesPng: 'ged_vs_samples.png',
  sigmaVsDisagreementPng: 'sigma_vs_disagreement.png',
  examples: 'examples',
} as const;

export type RunFile = keyof typeof RUN_FILES;
export type EvalFile = keyof typeof EVAL_FILES;

/** `runFile(dir, 'config')` → `<dir>/config.json`. */
export function runFile(dir: string, file: RunFile): string {
  return join(dir, RUN_FILES[file]);
}

/** `evalFile(evalDir, 'summary')` → `<evalDir>/summary.json`. */
export function evalFile(evalDir: string, file: EvalFile): string {
  return join(evalDir, EVAL_FILES[file]);
}

/** The default evaluation folder of a run, and its summary. */
export const runEvalDir = (dir: string): string => runFile(dir, 'eval');
export const runSummaryFile = (dir: string): string => evalFile(runEvalDir(dir), 'summary');

/** The entries a run folder may hold that flowseg owns (for the output marker). */
export const RUN_ENTRIES: readonly string[] = Object.values(RUN_FILES);
