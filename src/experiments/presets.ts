/**
 * Experiment presets: the papers' protocols as (model variant × fold) grids. A preset holds
 * everything that defines the experiment's identity — variants, split, samples, training
 * settings — but not the per-job budget, which may be raised between reruns.
 */
import type { RaterMode } from '../data/raters.js';
import type { KlMode } from '../losses/elbo.js';
import { variantName, type FlowName, type ModelKind } from '../models/config.js';
import type { MetricKey } from '../run/schemas.js';
import type { Monitor } from '../run/config.js';

export interface VariantSpec {
  /** Folder and table name, e.g. `probunet+planar2` or `probunet+cplanar2@single`. */
  name: string;
  model: ModelKind;
  flow: FlowName;
  flowSteps: number;
  raters: RaterMode;
}

export type PresetSplit = { kind: 'kfold'; folds: number } | { kind: 'fractions'; train: number; val: number; test: number };

/** Training settings shared by every job of a preset (the papers' values in the built-ins). */
export interface PresetTraining {
  filters: number[];
  latent: number;
  beta: number;
  klMode: KlMode;
  batchSize: number;
  lr: number;
  weightDecay: number;
  /** Epoch cap when no `--max-epochs` is given. */
  epochs: number;
  patience: number;
  monitor: Monitor;
  /** Share of training patients held out for early stopping when the split has no val part. */
  valFraction: number;
  maxValImages: number | null;
  augment: boolean;
  /** One seed for all jobs: k-fold splits only partition the patients when every fold uses it. */
  seed: number;
  /** Only used with `--data synthetic`. */
  synthetic: { items: number; size: number; disagreement: number };
}

export interface Preset {
  name: string;
  description: string;
  variants: VariantSpec[];
  split: PresetSplit;
  /** Prior samples per test image (GED, HM-IoU, −CLL). */
  samples: number;
  /** The paper's headline metrics: printed per job and logged in cv.log (the report has all). */
  metrics: MetricKey[];
  training: PresetTraining;
}

/** `probunet+planar2`, and `@single` appended when trained on rater 0 only. */
export function defaultVariantName(v: Omit<VariantSpec, 'name'>): string {
  return `${variantName(v)}${v.raters === 'single' ? '@single' : ''}`;
}

function variant(model: ModelKind, flow: FlowName, flowSteps: number, raters: RaterMode = 'all'): VariantSpec {
  const spec = { model, flow, flowSteps, raters };
  return { name: defaultVariantName(spec), ...spec };
}

// Valiuddin et al. 2021, Sec. 4: 10-fold CV (90/10), Adam lr 1e-4, batch 96 (LIDC),
// early stopping on validation loss with patience 20; Kohl's architecture (MODEL.md).
const valiuddin2021: Preset = {
  name: 'valiuddin2021',
  description: 'Valiuddin et al. 2021 (NF-PU-Net): vanilla PU-Net vs 2-/4-step planar and radial posterior flows, 10-fold CV by patient',
  variants: [
    variant('probunet', 'none', 0),
    variant('probunet', 'planar', 2),
    variant('probunet', 'planar', 4),
    variant('probunet', 'radial', 2),
    variant('probunet', 'radial', 4),
  ],
  split: { kind: 'kfold', folds: 10 },
  samples: 16,
  metrics: ['ged_excl', 'ged_incl', 'hm_iou'],
  training: {
    filters: [32, 64, 128, 192],
    latent: 6,
    beta: 1,
    klMode: 'analytic',
    batchSize: 96,
    lr: 1e-4,
    weightDecay: 1e-5,
    epochs: 200,
    patience: 20,
    monitor: 'loss',
    valFraction: 0.1,
    maxValImages: null,
    augment: false,
    seed: 1,
    synthetic: { items: 400, size: 64, disagreement: 0.5 },
  },
};

// Selvan et al. 2020 and the public cFlow code (train_model.py): 60/20/20, filters
// [32,64,128,256], L = 6, batch 96, Adam lr 1e-4, ≤ 200 epochs, patience 20 on validation
// loss, Monte-Carlo KL (`analytic_kl=False`). cFlow's BatchNorm in the U-Net is not modelled.
const selvan2020: Preset = {
  name: 'selvan2020',
  description: 'Selvan et al. 2020 (cFlow Net): DetUNet, PU-Net, conditional planar and conditional Glow, all raters vs single rater, 60/20/20 by patient',
  variants: (['all', 'single'] as const).flatMap((raters) => [
    variant('detunet', 'none', 0, raters),
    variant('probunet', 'none', 0, raters),
    variant('probunet', 'cplanar', 2, raters),
    variant('probunet', 'cglow', 2, raters),
  ]),
  split: { kind: 'fractions', train: 0.6, val: 0.2, test: 0.2 },
  samples: 16,
  metrics: ['cll', 'ged_excl', 'ged_incl', 'dice'],
  training: { ...valiuddin2021.training, filters: [32, 64, 128, 256], klMode: 'mc', valFraction: 0 },
};

// `npm start` (flowseg main): the vanilla PU-Net and the two seed-000 flows on the embedded
// synthetic set, sized for 2 CPU cores. Kohl's layout at a quarter of the width learns the set in
// minutes (3 min: GED 0.15 vs 0.88 with [16, 32, 64, 96], which gets ~3× fewer steps).
const main: Preset = {
  name: 'main',
  description: 'the main job (npm start): PU-Net vs 2-planar vs 2-radial on the embedded synthetic ambiguous set, 60/20/20, CPU-sized',
  variants: [variant('probunet', 'none', 0), variant('probunet', 'planar', 2), variant('probunet', 'radial', 2)],
  split: { kind: 'fractions', train: 0.6, val: 0.2, test: 0.2 },
  samples: 16,
  metrics: ['ged_excl', 'ged_incl', 'hm_iou'],
  training: { ...valiuddin2021.training, filters: [8, 16, 32, 48], batchSize: 16, lr: 1e-3, patience: 1000, maxValImages: 48, valFraction: 0.1 },
};

export const BUILTIN_PRESETS: Readonly<Record<string, Preset>> = { valiuddin2021, selvan2020, main };

/** Folds a preset defines: 0…folds−1 for k-fold, the single fold 0 for fractions. */
export function presetFolds(preset: Pick<Preset, 'split'>): number[] {
  return preset.split.kind === 'kfold' ? Array.from({ length: preset.split.folds }, (_, k) => k) : [0];
}
