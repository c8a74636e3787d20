/**
 * `--preset <name|file.json|file.yaml>`: a built-in preset, or a user preset file validated
 * with zod. A file may `extends` a built-in and override only what differs (e.g. a smaller
 * U-Net and batch for CPU); errors name the file and the offending key.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { FLOW_NAMES, type FlowName, type ModelKind } from '../models/config.js';
import { METRIC_KEYS } from '../run/schemas.js';
import { FlowsegInputError } from '../util/errors.js';
import { BUILTIN_PRESETS, defaultVariantName, type Preset, type VariantSpec } from './presets.js';

const VARIANT_RE = /^(detunet|probunet)(?:\+(planar|radial|cplanar|cglow)(\d+))?(?:@(all|single))?$/;

/** `probunet+planar2`, `detunet@single`, `probunet+cglow2@single` → a variant spec. */
export function parseVariantName(name: string): VariantSpec | null {
  const m = VARIANT_RE.exec(name);
  if (!m) return null;
  const model = m[1] as ModelKind;
  if (model === 'detunet' && m[2]) return null;
  const spec = {
    model,
    flow: (m[2] ?? 'none') as FlowName,
    flowSteps: m[3] ? Number(m[3]) : 0,
    raters: m[4] === 'single' ? ('single' as const) : ('all' as const),
  };
  return { name: defaultVariantName(spec), ...spec };
}

const positiveInt = z.number().int().positive();
const variantObject = z
  .object({
    name: z
      .string()
      .regex(/^[\w+@.-]+$/, 'use letters, digits and + @ . _ - only (it becomes a folder name)')
      .optional(),
    model: z.enum(['detunet', 'probunet']),
    flow: z.enum(FLOW_NAMES as [FlowName, ...FlowName[]]).default('none'),
    flowSteps: z.number().int().min(0).optional(),
    raters: z.enum(['all', 'single']).default('all'),
  })
  .strict();
const variantSchema = z.preprocess((v, ctx) => {
  if (typeof v !== 'string') return v;
  const spec = parseVariantName(v);
  if (spec) return spec;
  ctx.addIssue({ code: z.ZodIssueCode.custom, message: `"${v}" is not a variant like probunet, probunet+planar2, probunet+cplanar2@single or detunet@single` });
  return z.NEVER;
}, variantObject);

const splitSchema = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('kfold'), folds: z.number().int().min(2) }).strict(),
    z.object({ kind: z.literal('fractions'), train: z.number().min(0), val: z.number().min(0), test: z.number().min(0) }).strict(),
  ])
  .refine((s) => s.kind === 'kfold' || Math.abs(s.train + s.val + s.test - 1) < 1e-6, 'train + val + test must sum to 1');

const trainingSchema = z
  .object({
    filters: z.array(positiveInt).min(1),
    latent: positiveInt,
    beta: z.number().min(0),
    klMode: z.enum(['analytic', 'mc']),
    batchSize: positiveInt,
    lr: z.number().positive(),
    weightDecay: z.number().min(0),
    epochs: positiveInt,
    patience: positiveInt,
    monitor: z.enum(['loss', 'ged']),
    valFraction: z.number().min(0).max(0.9),
    maxValImages: positiveInt.nullable(),
    augment: z.boolean(),
    seed: z.number().int().min(0),
    synthetic: z
      .object({ items: positiveInt, size: z.number().int().min(8), disagreement: z.number().min(0).max(1) })
      .strict()
      .partial(),
  })
  .strict()
  .partial();

const fileSchema = z
  .object({
    name: z
      .string()
      .regex(/^[\w.-]+$/, 'use letters, digits and . _ - only')
      .optional(),
    extends: z.enum(Object.keys(BUILTIN_PRESETS) as [string, ...string[]]).optional(),
    description: z.string().optional(),
    variants: z.array(variantSchema).min(1).optional(),
    split: splitSchema.optional(),
    samples: positiveInt.optional(),
    metrics: z.array(z.enum(METRIC_KEYS)).min(1).optional(),
    training: trainingSchema.optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.extends) return;
    for (const key of ['variants', 'split'] as const) {
      if (p[key] === undefined)
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: [key],
          message: `required unless the file has "extends: <${Object.keys(BUILTIN_PRESETS).join('|')}>"`,
        });
    }
  });

function issueText(file: string, issue: z.ZodIssue): string {
  const path = issue.path.join('.');
  if (issue.code === z.ZodIssueCode.unrecognized_keys) {
    const key = [path, issue.keys[0]].filter(Boolean).join('.');
    return `${file}: ${key}: unknown key; see docs/scale-out.md for the preset file format`;
  }
  return `${file}: ${path || '(top level)'}: ${issue.message}`;
}

function readPresetFile(file: string): unknown {
  const text = readFileSync(file, 'utf8');
  const ext = extname(file).toLowerCase();
  try {
    return ext === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    const first = (err as Error).message.split('\n')[0];
    throw new FlowsegInputError(`${file}: not valid ${ext === '.json' ? 'JSON' : 'YAML'} (${first})`);
  }
}

/** Reads and validates a user preset file; missing training keys come from `extends` (default valiuddin2021). */
export function loadPresetFile(file: string): Preset {
  const parsed = fileSchema.safeParse(readPresetFile(file));
  if (!parsed.success) throw new FlowsegInputError(issueText(file, parsed.error.issues[0] as z.ZodIssue));
  const p = parsed.data;
  const base = BUILTIN_PRESETS[p.extends ?? 'valiuddin2021'] as Preset;
  const variants = p.variants?.map((v): VariantSpec => {
    const flow = v.model === 'detunet' ? 'none' : v.flow;
    const flowSteps = flow === 'none' ? 0 : (v.flowSteps ?? 2);
    const spec = { model: v.model, flow, flowSteps, raters: v.raters };
    return { name: v.name ?? defaultVariantName(spec), ...spec };
  });
  const names = (variants ?? []).map((v) => v.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new FlowsegInputError(`${file}: variants: two variants are named "${dup}"; give one a "name"`);
  return {
    name: p.name ?? basename(file, extname(file)),
    description: p.description ?? (p.extends ? `${base.description} (overridden by ${basename(file)})` : `user preset ${basename(file)}`),
    variants: variants ?? base.variants,
    split: p.split ?? base.split,
    samples: p.samples ?? base.samples,
    metrics: p.metrics ?? base.metrics,
    training: { ...base.training, ...p.training, synthetic: { ...base.training.synthetic, ...p.training?.synthetic } },
  };
}

/** Command-line overrides of a preset (they become part of the experiment's identity in plan.json). */
export interface PresetOverrides {
  /** Keep only these variants (by name), in the preset's order. */
  variants?: string[];
  filters?: number[];
  batchSize?: number;
  lr?: number;
}

/** `--preset` value → the resolved preset, with command-line overrides applied. */
export function resolvePreset(spec: string, overrides: PresetOverrides = {}): Preset {
  const builtin = BUILTIN_PRESETS[spec];
  let preset: Preset;
  if (builtin) preset = structuredClone(builtin);
  else if (/\.(json|ya?ml)$/i.test(spec)) {
    if (!existsSync(spec)) throw new FlowsegInputError(`--preset ${spec}: file not found`);
    preset = loadPresetFile(spec);
  } else {
    throw new FlowsegInputError(`--preset ${spec}: not a built-in preset (${Object.keys(BUILTIN_PRESETS).join(', ')}) nor a .json/.yaml file`);
  }
  if (overrides.variants) {
    const known = new Set(preset.variants.map((v) => v.name));
    const unknown = overrides.variants.find((v) => !known.has(v));
    if (unknown) throw new FlowsegInputError(`--variants ${unknown}: not in preset ${preset.name} (${[...known].join(', ')})`);
    preset.variants = preset.variants.filter((v) => overrides.variants?.includes(v.name));
  }
  const t = preset.training;
  preset.training = { ...t, filters: overrides.filters ?? t.filters, batchSize: overrides.batchSize ?? t.batchSize, lr: overrides.lr ?? t.lr };
  return preset;
}
