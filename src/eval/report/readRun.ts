import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { FlowsegInputError } from '../../util/errors.js';
import {
  configSchema, epochLineSchema, gedVsSamplesSchema, perImageSchema, stepLineSchema, summarySchema,
  type EpochLine, type GedVsSamples, type PerImage, type RunConfig, type StepLine, type Summary,
} from './runFormat.js';

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
  /** Absolute paths of eval/examples/*.png, sorted. */
  examples: string[];
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
  if (config.model) return config.flow ? `${config.model}+${config.flow}${config.flowSteps ?? ''}` : config.model;
  throw new FlowsegInputError(`${file} has neither "variant" nor "model"; add "variant" (e.g. "probunet+planar2")`);
}

/** Reads log.jsonl; a truncated *last* line (a run killed mid-write) is tolerated and noted. */
function readLog(file: string, notes: string[]): { steps: StepLine[]; epochs: EpochLine[] } {
  const steps: StepLine[] = [];
  const epochs: EpochLine[] = [];
  if (!existsSync(file)) {
    notes.push(`${file} is missing: no training curves for this run`);
    return { steps, epochs };
  }
  const lines = readFileSync(file, 'utf8').split('\n');
  while (lines.length && lines[lines.length - 1].trim() === '') lines.pop();
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      if (i === lines.length - 1) {
        notes.push(`${file}: last line ${i + 1} is truncated (interrupted run?); ignored`);
        return;
      }
      throw new FlowsegInputError(`${file}: line ${i + 1} is not valid JSON; fix or delete that line`);
    }
    const where = `${file}: line ${i + 1}`;
    const kind = (raw as { kind?: unknown } | null)?.kind;
    const fix = 'fix or delete that line';
    if (kind === 'step') steps.push(validate(where, stepLineSchema, raw, fix));
    else if (kind === 'epoch') epochs.push(validate(where, epochLineSchema, raw, fix));
    else if (typeof kind !== 'string') throw new FlowsegInputError(`${where}: no "kind" field; ${fix}`);
  });
  return { steps, epochs };
}

const EVALUATE = 'run `flowseg evaluate` on this run folder to (re)create it';

/** Reads and validates one run folder (see docs/run-format.md). */
export function readRun(dir: string): RunRecord {
  const notes: string[] = [];
  const configFile = join(dir, 'config.json');
  const config = parseJsonFile(configFile, configSchema, 'it is written by `flowseg train`; retrain or restore it');
  const evalDir = join(dir, 'eval');
  const summary = parseJsonFile(join(evalDir, 'summary.json'), summarySchema, EVALUATE);
  const opt = <S extends z.ZodTypeAny>(name: string, schema: S): z.infer<S> | undefined => {
    const file = join(evalDir, name);
    if (existsSync(file)) return parseJsonFile(file, schema, EVALUATE);
    notes.push(`${file} is missing`);
    return undefined;
  };
  const exDir = join(evalDir, 'examples');
  const examples = existsSync(exDir)
    ? readdirSync(exDir).filter((f) => f.toLowerCase().endsWith('.png')).sort().map((f) => join(exDir, f))
    : [];
  return {
    dir,
    variant: variantOf(config, configFile),
    fold: config.fold ?? null,
    config,
    ...readLog(join(dir, 'log.jsonl'), notes),
    summary,
    perImage: opt('per_image.json', perImageSchema),
    gedVsSamples: opt('ged_vs_samples.json', gedVsSamplesSchema),
    examples,
    notes,
  };
}
