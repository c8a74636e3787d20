import type { TrainConfig } from '../run/config.js';

export type { TrainConfig, Monitor } from '../run/config.js';

/** The defaults every TrainConfig starts from (MODEL.md / the papers, scaled for CPU where noted). */
export const DEFAULT_TRAIN: Omit<TrainConfig, 'data' | 'modelConfig' | 'variant'> = {
  seed: 1,
  split: { kind: 'fractions', train: 0.6, val: 0.2, test: 0.2 },
  valFraction: 0.1,
  raters: 'all',
  augment: false,
  batchSize: 8,
  lr: 1e-4,
  lrSchedule: 'constant',
  warmupSteps: 0,
  weightDecay: 1e-5,
  priorLrScale: 1,
  epochs: 200,
  maxSteps: null,
  maxMinutes: null,
  patience: 20,
  monitor: 'loss',
  valSamples: 16,
  maxValImages: 200,
  valEverySteps: null,
  gradClip: null,
  outputBiasInit: 'random',
  profile: null,
  synthetic: { items: 400, size: 64, disagreement: 0.5 },
};
