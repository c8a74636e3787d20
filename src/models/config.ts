import type { DType } from '../tensor/dtype.js';
import type { KlMode } from '../losses/elbo.js';

export type ModelKind = 'detunet' | 'probunet';
export type FlowName = 'none' | 'planar' | 'radial' | 'cplanar' | 'cglow';
export const FLOW_NAMES: readonly FlowName[] = ['none', 'planar', 'radial', 'cplanar', 'cglow'];

/** Everything needed to rebuild a model; saved with every checkpoint. */
export interface ModelConfig {
  model: ModelKind;
  inChannels: number;
  /** Kohl: [32, 64, 128, 192]. */
  filters: number[];
  convsPerBlock: number;
  /** Latent size L (Kohl: 6). */
  latent: number;
  flow: FlowName;
  flowSteps: number;
  beta: number;
  klMode: KlMode;
  dtype: DType;
}

export const DEFAULT_MODEL_CONFIG: ModelConfig = {
  model: 'probunet',
  inChannels: 1,
  filters: [32, 64, 128, 192],
  convsPerBlock: 3,
  latent: 6,
  flow: 'none',
  flowSteps: 0,
  beta: 1,
  klMode: 'analytic',
  dtype: 'float32',
};

/** A short label for tables: `probunet`, `probunet+planar2`, `detunet`. */
export function variantName(c: Pick<ModelConfig, 'model' | 'flow' | 'flowSteps'>): string {
  if (c.model === 'detunet') return 'detunet';
  return c.flow === 'none' || c.flowSteps === 0 ? 'probunet' : `probunet+${c.flow}${c.flowSteps}`;
}
