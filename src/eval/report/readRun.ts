import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { FlowsegInputError } from '../../util/errors.js';
import { readLog } from '../../run/log.js';
import { loadRunSplit } from '../../run/split.js';
import { type EVAL_FILES, evalFile, runEvalDir, runFile } from '../../run/paths.js';
import {
  calibrationSchema,
  configSchema,
  gedVsSamplesSchema,
  perImageSchema,
  summarySchema,
  type CalibrationSummary,
  type EpochLine,
  type GedVsSamples,
  type PerImage,
  type RunConfig,
  type StepLine,
  type Summary,
} from '../../run/schemas.js';

/** Everything the report needs from one run folder. */
export interface RunRecord {
  dir: string;
  variant: string;
  fold: number | null;
  config: RunConfig;
  steps: StepLine[];
  epochs: EpochLine[];
  summary: Summary;
  perImage?: PerImage;
  gedVsSamples?: GedVsSamples;
  /** summary.calibration: pixel reliability bins; undefined in evaluations made before it existed. */
  calibration?: CalibrationSummary;
  /** Absolute paths of eval/examples/*.png, sorted. */
  examples: string[];
  /** Items per part of split.json (train/val/test), when the run folder has it. */
  splitSizes?: { train: number; val: number; test: number };
  /** Non-fatal problems (e.g. a truncated last log line from an interrupted run). */
  notes: string[];
}

function parseJsonFile<S extends z.ZodTypeAny>(file: string, schema: S, writer: string): z.infer<S> {
  if (!existsSync(file)) {
    throw new FlowsegInputError(`${file} is missing; ${writer}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new FlowsegInputError(`${file} is not valid JSON (${(err as Error).message}); ${writer}`);
  }
  return validate(file, schema, raw, writer);
}

function validate<S extends z.ZodTypeAny>(where: string, schema: S, raw: unknown, writer: string): z.infer<S> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue.path.length ? issue.path.join('.') : '(top level)';
    throw new FlowsegInputError(`${where}: ${key}: ${issue.message}; ${writer}`);
  }
  return parsed.data;
}

/** The variant name: `config.variant`, else built from model/flow/flowSteps (e.g. `probunet+planar2`). */
function variantOf(config: RunConfig, file: string): string {
  if (config.variant) return config.variant;
  if (config.modelConfig) return variantOf({ ...config, ...config.modelConfig, variant: undefined, modelConfig: undefined }, file);
  if (config.model) return config.flow ? `${config.model}+${config.flow}${config.flowSteps ?? ''}` : config.model;
  throw new FlowsegInputError(`${file} has neither "variant" nor "model"; add "variant" (e.g. "probunet+planar2")`);
}

const EVALUATE = 'run `flowseg evaluate` on this run folder to (re)create it';

/** Reads and validates one run folder (see docs/run-format.md). */
export function readRun(dir: string): RunRecord {
  const notes: string[] = [];
  const configFile = runFile(dir, 'config');
  const config = parseJsonFile(configFile, configSchema, 'it is written by `flowseg train`; retrain or restore it');
  const evalDir = runEvalDir(dir);
  const summary = parseJsonFile(evalFile(evalDir, 'summary'), summarySchema, EVALUATE);
  const opt = <S extends z.ZodTypeAny>(name: keyof typeof EVAL_FILES, schema: S): z.infer<S> | undefined => {
    const file = evalFile(evalDir, name);
    if (existsSync(file)) return parseJsonFile(file, schema, EVALUATE);
    notes.push(`${file} is missing`);
    return undefined;
  };
  const exDir = evalFile(evalDir, 'examples');
  const examples = existsSync(exDir)
    ? readdirSync(exDir)
        .filter((f) => f.toLowerCase().endsWith('.png'))
        .sort()
        .map((f) => join(exDir, f))
    : [];
  const log = readLog(dir, notes);
  return {
    splitSizes: splitSizes(dir, notes),
    dir,
    variant: variantOf(config, configFile),
    fold: config.fold ?? null,
    config,
    steps: log.steps,
    epochs: log.epochs,
    summary,
    perImage: opt('perImageJson', perImageSchema),
    gedVsSamples: opt('gedVsSamplesJson', gedVsSamplesSchema),
    calibration: calibrationOf(summary, evalFile(evalDir, 'summary'), notes),
    examples,
    notes,
  };
}

/** summary.calibration when present and well formed; absent: not available (older evaluations); malformed: a note. */
function calibrationOf(summary: Summary, file: string, notes: string[]): CalibrationSummary | undefined {
  const raw = (summary as Record<string, unknown>).calibration;
  if (raw === undefined || raw === null) return undefined;
  const parsed = calibrationSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  notes.push(`${file}: calibration: ${parsed.error.issues[0]?.message ?? 'malformed'}; calibration of this run left out (${EVALUATE})`);
  return undefined;
}

/** Items per part of the run's split.json (read by src/run's loadRunSplit); a bad file is a note, not an error. */
function splitSizes(dir: string, notes: string[]): RunRecord['splitSizes'] {
  try {
    const split = loadRunSplit(dir);
    return split ? { train: split.train.length, val: split.val.length, test: split.test.length } : undefined;
  } catch (err) {
    notes.push((err as Error).message);
    return undefined;
  }
}
