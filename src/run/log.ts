import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import type { z } from 'zod';
import { writeFileAtomic } from '../util/atomicWrite.js';
import { diskFullError, FlowsegInputError } from '../util/errors.js';
import { runFile } from './paths.js';
import { epochLineSchema, stepLineSchema, type EpochLine, type StepLine } from './schemas.js';

/**
 * A run's log.jsonl: one JSON object per line with a `kind` (step, epoch, val, warning, stop).
 * This is its only writer and reader. Lines carry the optimizer step they belong to, so a
 * resumed run can roll the log back to its checkpoint and the log never holds a step twice.
 */
export type LogLine = { kind: string; step?: number } & Record<string, unknown>;

export function appendLog(dir: string, line: LogLine): void {
  const text = `${JSON.stringify(line)}\n`;
  try {
    appendFileSync(runFile(dir, 'log'), text);
  } catch (err) {
    throw diskFullError(err, runFile(dir, 'log'), 1 << 20, 'the checkpoints are kept (resume with --resume)');
  }
}

interface ParsedLine {
  line: LogLine;
  text: string;
}

/** Parses log.jsonl; a truncated *last* line (a run killed mid-write) is tolerated and noted. */
function parseLines(file: string, notes: string[]): ParsedLine[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  while (lines.length && (lines[lines.length - 1] as string).trim() === '') lines.pop();
  const out: ParsedLine[] = [];
  lines.forEach((text, i) => {
    if (text.trim() === '') return;
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      if (i === lines.length - 1) {
        notes.push(`${file}: last line ${i + 1} is truncated (interrupted run?); ignored`);
        return;
      }
      throw new FlowsegInputError(`${file}: line ${i + 1} is not valid JSON; fix or delete that line`);
    }
    const kind = (raw as { kind?: unknown } | null)?.kind;
    if (typeof kind !== 'string') throw new FlowsegInputError(`${file}: line ${i + 1}: no "kind" field; fix or delete that line`);
    out.push({ line: raw as LogLine, text });
  });
  return out;
}

function validate<S extends z.ZodTypeAny>(where: string, schema: S, raw: unknown): z.infer<S> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new FlowsegInputError(`${where}: ${issue?.path.join('.') || '(top level)'}: ${issue?.message}; fix or delete that line`);
  }
  return parsed.data;
}

export interface RunLog {
  steps: StepLine[];
  epochs: EpochLine[];
  /** Every line (validated ones as above), in file order. */
  lines: LogLine[];
}

/** Reads a run's log; `notes` collects non-fatal problems (a missing log, a truncated last line). */
export function readLog(dir: string, notes: string[] = []): RunLog {
  const file = runFile(dir, 'log');
  const log: RunLog = { steps: [], epochs: [], lines: [] };
  if (!existsSync(file)) {
    notes.push(`${file} is missing: no training curves for this run`);
    return log;
  }
  parseLines(file, notes).forEach(({ line }, i) => {
    const where = `${file}: line ${i + 1}`;
    if (line.kind === 'step') log.steps.push(validate(where, stepLineSchema, line));
    else if (line.kind === 'epoch') log.epochs.push(validate(where, epochLineSchema, line));
    log.lines.push(line);
  });
  return log;
}

/** The last line of one of `kinds`, or null. */
export function lastLogLine(dir: string, kinds: readonly string[]): LogLine | null {
  const file = runFile(dir, 'log');
  if (!existsSync(file)) return null;
  const lines = parseLines(file, []);
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = (lines[i] as ParsedLine).line;
    if (kinds.includes(line.kind)) return line;
  }
  return null;
}

/**
 * Rolls log.jsonl back to a checkpoint taken at optimizer step `step`: lines of later steps
 * (redone after the resume) and earlier `stop` lines (the run goes on) are dropped, as is a
 * line cut by a kill. Written atomically.
 */
export function rollbackLog(dir: string, step: number): number {
  const file = runFile(dir, 'log');
  if (!existsSync(file)) return 0;
  const lines = parseLines(file, []);
  const keep = lines.filter(({ line }) => line.kind !== 'stop' && (typeof line.step !== 'number' || line.step <= step));
  const dropped = lines.length - keep.length;
  writeFileAtomic(file, keep.map((l) => `${l.text}\n`).join(''));
  return dropped;
}
