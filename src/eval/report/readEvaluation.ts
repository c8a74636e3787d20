import { basename, relative } from 'node:path';
import { z } from 'zod';
import { evalFile } from '../../run/paths.js';
import { configSchema, summaryModelSchema, type SummaryModel } from '../../run/schemas.js';
import { readEvalOutputs, validate } from './evalOutputs.js';
import { configVariant } from './readRun.js';
import type { ModelEvaluation, RunRecord } from './record.js';

const EVALUATE_AGAIN = 'evaluate the model again into this folder (`flowseg evaluate --model NAME|file.onnx … --out <this folder>`)';

/** The parts of summary.json that say which model was scored. */
const modelPartsSchema = z.object({ model: summaryModelSchema.optional(), config: configSchema.optional() }).passthrough();

/**
 * Reads an evaluation folder written by `flowseg evaluate --out E` for a model without its run
 * folder (a shipped model or an exported ONNX file): E/summary.json (required), per_image.json,
 * ged_vs_samples.json, examples/. Its variant is the shipped model's name, else the export's
 * variant metadata, else the recorded config's variant, else the folder's name.
 */
export function readEvaluation(dir: string): ModelEvaluation {
  const notes: string[] = [];
  const outputs = readEvalOutputs(dir, notes, EVALUATE_AGAIN);
  const { model, config } = validate(evalFile(dir, 'summary'), modelPartsSchema, outputs.summary, EVALUATE_AGAIN);
  return {
    kind: 'evaluation',
    dir,
    variant: model?.name ?? model?.variant ?? (config ? configVariant(config) : undefined) ?? basename(dir),
    fold: config?.fold ?? null,
    model,
    config,
    origin: originOf(model),
    ...outputs,
    notes,
  };
}

/** What the report shows where a run would show its training. */
export function originOf(model: SummaryModel | undefined): string {
  if (model?.name) return `shipped model: ${model.name}, see its card`;
  if (model?.file) return `ONNX model: ${model.file}${model.variant ? ` (${model.variant})` : ''}, evaluated without its run folder`;
  if (model?.checkpoint) return `checkpoint: ${model.checkpoint}, evaluated without its run folder`;
  return 'a model evaluated without its run folder';
}

/**
 * Each evaluation folder is a row of its own: one whose variant another entry also has (the run
 * an ONNX file was exported from, or two evaluations of one model) is renamed `variant (folder)`,
 * so it is neither averaged with that entry as if a fold nor merged in the paired tests.
 */
export function distinctVariants(records: readonly RunRecord[]): RunRecord[] {
  const count = new Map<string, number>();
  for (const r of records) count.set(r.variant, (count.get(r.variant) ?? 0) + 1);
  const clashing = records.filter((r) => r.kind === 'evaluation' && (count.get(r.variant) ?? 0) > 1);
  return records.map((r) => {
    if (!clashing.includes(r)) return r;
    const sameFolderName = clashing.some((o) => o !== r && o.variant === r.variant && basename(o.dir) === basename(r.dir));
    const label = sameFolderName ? relative(process.cwd(), r.dir) || r.dir : basename(r.dir);
    return { ...r, variant: `${r.variant} (${label})` };
  });
}
