import type { ModelConfig } from '../models/config.js';
import type { RaterMode } from '../data/raters.js';

export type Monitor = 'loss' | 'ged';

/** One training run's settings (printed at start, saved as config.json with the run). */
export interface TrainConfig {
  /** Prepared data dir, or `synthetic` for the embedded default. */
  data: string;
  modelConfig: ModelConfig;
  variant: string;
  seed: number;
  /** k-fold by patient (seed 000) when `fold` is set, else 60/20/20 fractions (seed 001). */
  split: { kind: 'kfold'; fold: number; folds: number } | { kind: 'fractions'; train: number; val: number; test: number };
  /** Share of training patients held out for early stopping when the split has no val part. */
  valFraction: number;
  raters: RaterMode;
  augment: boolean;
  batchSize: number;
  lr: number;
  weightDecay: number;
  epochs: number;
  maxSteps: number | null;
  maxMinutes: number | null;
  patience: number;
  monitor: Monitor;
  /** Samples per image for the GED monitor. */
  valSamples: number;
  /** Cap on validation images per epoch (keeps epochs short on CPU); null = all. */
  maxValImages: number | null;
  /** [C, H, W] of the training images (filled in by train(); inference resizes inputs to it). */
  inputShape?: [number, number, number];
  /** Synthetic set options when data = synthetic. */
  synthetic: { items: number; size: number; disagreement: number };
}

export const DEFAULT_TRAIN: Omit<TrainConfig, 'data' | 'modelConfig' | 'variant'> = {
  seed: 1,
  split: { kind: 'fractions', train: 0.6, val: 0.2, test: 0.2 },
  valFraction: 0.1,
  raters: 'all',
  augment: false,
  batchSize: 8,
  lr: 1e-4,
  weightDecay: 1e-5,
  epochs: 200,
  maxSteps: null,
  maxMinutes: null,
  patience: 20,
  monitor: 'loss',
  valSamples: 16,
  maxValImages: 200,
  synthetic: { items: 400, size: 64, disagreement: 0.5 },
};
