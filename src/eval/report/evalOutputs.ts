import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { FlowsegInputError } from '../../util/errors.js';
import { type EVAL_FILES, evalFile } from '../../run/paths.js';
import { calibrationSchema, gedVsSamplesSchema, perImageSchema, summarySchema, type CalibrationSummary, type Summary } from '../../run/schemas.js';
import type { EvalOutputs } from './record.js';

/** Reads and validates a JSON file; every problem is one FlowsegInputError naming the file (and key) and `fix`. */
export function parseJsonFile<S extends z.ZodTypeAny>(file: string, schema: S, fix: string): z.infer<S> {
  if (!existsSync(file)) {
    throw new FlowsegInputError(`${file} is missing; ${fix}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new FlowsegInputError(`${file} is not valid JSON (${(err as Error).message}); ${fix}`);
  }
  return validate(file, schema, raw, fix);
}

/** `schema.parse(raw)`, failing with `where: key: message; fix`. */
export function validate<S extends z.ZodTypeAny>(where: string, schema: S, raw: unknown, fix: string): z.infer<S> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue.path.length ? issue.path.join('.') : '(top level)';
    throw new FlowsegInputError(`${where}: ${key}: ${issue.message}; ${fix}`);
  }
  return parsed.data;
}

/**
 * The files `flowseg evaluate` writes into its folder (`<run>/eval`, or any `--out`):
 * summary.json is required, the others are optional (a missing one is a note).
 */
export function readEvalOutputs(evalDir: string, notes: string[], fix: string): EvalOutputs {
  const summaryFile = evalFile(evalDir, 'summary');
  const summary = parseJsonFile(summaryFile, summarySchema, fix);
  const opt = <S extends z.ZodTypeAny>(name: keyof typeof EVAL_FILES, schema: S): z.infer<S> | undefined => {
    const file = evalFile(evalDir, name);
    if (existsSync(file)) return parseJsonFile(file, schema, fix);
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
  return {
    summary,
    perImage: opt('perImageJson', perImageSchema),
    gedVsSamples: opt('gedVsSamplesJson', gedVsSamplesSchema),
    calibration: calibrationOf(summary, summaryFile, notes, fix),
    examples,
  };
}

/** summary.calibration when present and well formed; absent: not available (older evaluations); malformed: a note. */
function calibrationOf(summary: Summary, file: string, notes: string[], fix: string): CalibrationSummary | undefined {
  const raw = (summary as Record<string, unknown>).calibration;
  if (raw === undefined || raw === null) return undefined;
  const parsed = calibrationSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  notes.push(`${file}: calibration: ${parsed.error.issues[0]?.message ?? 'malformed'}; calibration of this entry left out (${fix})`);
  return undefined;
}
