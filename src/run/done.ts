import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { writeFileAtomic } from '../util/atomicWrite.js';
import { FlowsegInputError } from '../util/errors.js';
import { runFile } from './paths.js';

/** Written last and atomically by a `flowseg cv` job: its presence is what makes the job done. */
export const doneSchema = z.object({
  finishedAt: z.string(),
  steps: z.number(),
  epochs: z.number(),
  stopReason: z.string(),
  minutes: z.number(),
  metrics: z.record(z.number().nullable()),
});
export type DoneMarker = z.infer<typeof doneSchema>;

export function isDone(dir: string): boolean {
  return existsSync(runFile(dir, 'done'));
}

export function writeDone(dir: string, marker: DoneMarker): void {
  writeFileAtomic(runFile(dir, 'done'), `${JSON.stringify(marker, null, 2)}\n`);
}

export function readDone(dir: string): DoneMarker | null {
  const file = runFile(dir, 'done');
  if (!existsSync(file)) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    raw = null;
  }
  const parsed = doneSchema.safeParse(raw);
  if (!parsed.success) throw new FlowsegInputError(`${file}: not a flowseg done marker; delete it to rerun the job`);
  return parsed.data;
}
