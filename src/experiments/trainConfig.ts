/**
 * The one TrainConfig builder, used by `flowseg train`, `flowseg cv` and `flowseg main`:
 * defaults ← profile ← preset ← config file ← flags, each layer a partial TrainConfig, the result
 * validated once (before anything is printed or written).
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { DEFAULT_MODEL_CONFIG, variantName, type ModelConfig } from '../models/config.js';
import { trainConfigSchema, type TrainConfig } from '../run/config.js';
import { DEFAULT_TRAIN } from '../train/config.js';
import { FlowsegInputError } from '../util/errors.js';
import type { Preset, VariantSpec } from './presets.js';
import { PROFILES, type ProfileName } from './profiles.js';

/** A partial TrainConfig: any top-level key, and any subset of modelConfig / synthetic. */
export type TrainConfigLayer = Partial<Omit<TrainConfig, 'modelConfig' | 'synthetic'>> & {
  modelConfig?: Partial<ModelConfig>;
  synthetic?: Partial<TrainConfig['synthetic']>;
};

/** The layer a preset contributes for one (variant, fold) job. */
export function presetLayer(preset: Preset, v: VariantSpec, fold: number): TrainConfigLayer {
  const t = preset.training;
  const s = preset.split;
  return {
    modelConfig: { model: v.model, flow: v.flow, flowSteps: v.flowSteps, filters: t.filters, latent: t.latent, beta: t.beta, klMode: t.klMode },
    variant: v.name,
    seed: t.seed,
    split: s.kind === 'kfold' ? { kind: 'kfold', fold, folds: s.folds } : { ...s },
    valFraction: t.valFraction,
    raters: v.raters,
    augment: t.augment,
    batchSize: t.batchSize,
    lr: t.lr,
    weightDecay: t.weightDecay,
    epochs: t.epochs,
    patience: t.patience,
    monitor: t.monitor,
    valSamples: preset.samples,
    maxValImages: t.maxValImages,
    synthetic: { ...t.synthetic },
  };
}

const layerSchema = trainConfigSchema
  .omit({ modelConfig: true, synthetic: true })
  .partial()
  .extend({ modelConfig: trainConfigSchema.shape.modelConfig.partial().optional(), synthetic: trainConfigSchema.shape.synthetic.partial().optional() })
  .strict();

/** Reads a `--config` file (JSON or YAML): any TrainConfig keys, validated; errors name the file and key. */
export function readConfigLayer(file: string): TrainConfigLayer {
  let raw: unknown;
  try {
    const text = readFileSync(file, 'utf8');
    raw = extname(file).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new FlowsegInputError(`--config ${file}: cannot read it (${(err as Error).message.split('\n')[0]})`);
  }
  const parsed = layerSchema.safeParse(raw);
  if (!parsed.success) throw new FlowsegInputError(`--config ${file}: ${issueText(parsed.error.issues[0] as z.ZodIssue)}`);
  return parsed.data as TrainConfigLayer;
}

function issueText(issue: z.ZodIssue): string {
  const path = issue.path.join('.');
  if (issue.code === z.ZodIssueCode.unrecognized_keys)
    return `${[path, issue.keys[0]].filter(Boolean).join('.')}: unknown key (see docs/run-format.md for config keys)`;
  return `${path || '(top level)'}: ${issue.message}`;
}

export interface BuildOptions {
  data: string;
  /** Machine-dependent settings (experiments/profiles.ts); recorded in the config. */
  profile?: ProfileName;
  preset?: TrainConfigLayer;
  file?: TrainConfigLayer;
  flags?: TrainConfigLayer;
}

/** Merges the layers in order and validates the result; the variant name follows the model unless a layer names it. */
export function buildTrainConfig(o: BuildOptions): TrainConfig {
  const profile = o.profile ? { ...PROFILES[o.profile], profile: o.profile } : undefined;
  const layers = [profile, o.preset, o.file, o.flags].filter((l): l is TrainConfigLayer => l !== undefined);
  let modelConfig: ModelConfig = { ...DEFAULT_MODEL_CONFIG };
  let synthetic = { ...DEFAULT_TRAIN.synthetic };
  let top: Record<string, unknown> = { ...DEFAULT_TRAIN };
  let variant: string | undefined;
  for (const layer of layers) {
    const { modelConfig: m, synthetic: s, variant: v, ...rest } = layer;
    modelConfig = { ...modelConfig, ...definedOnly(m ?? {}) };
    synthetic = { ...synthetic, ...definedOnly(s ?? {}) };
    top = { ...top, ...definedOnly(rest) };
    // A later layer that changes the model renames the variant, unless it names one itself.
    if (v !== undefined) variant = v;
    else if (m && (m.model !== undefined || m.flow !== undefined || m.flowSteps !== undefined)) variant = undefined;
  }
  if (modelConfig.model === 'detunet') modelConfig = { ...modelConfig, flow: 'none', flowSteps: 0 };
  const candidate = { ...top, data: o.data, modelConfig, synthetic, variant: variant ?? variantName(modelConfig) };
  const parsed = trainConfigSchema.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0] as z.ZodIssue;
    throw new FlowsegInputError(`training config: ${issueText(issue)} — check the flag or config-file key of that name`);
  }
  return parsed.data as TrainConfig;
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
