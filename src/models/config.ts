import type { DType } from '../tensor/dtype.js';
import type { KlMode } from '../losses/elbo.js';

export type ModelKind = 'detunet' | 'probunet';
export type FlowName = 'none' | 'planar' | 'radial' | 'cplanar' | 'cglow';
export const FLOW_NAMES: readonly FlowName[] = ['none', 'planar', 'radial', 'cplanar', 'cglow'];
/**
 * Where the prior p(z|x) comes from. `separate`: its own encoder (Kohl 2018, the papers).
 * `shared`: a 1×1 head on the U-Net encoder's pooled deepest features, so the prior sees the
 * features the segmentation loss trains (as Kohl's hierarchical PU-Net shares its prior path).
 */
export type PriorKind = 'separate' | 'shared';
export const PRIOR_KINDS: readonly PriorKind[] = ['separate', 'shared'];

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
  /** Prior net (see PriorKind); checkpoints from before this field are `separate`. */
  prior: PriorKind;
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
  prior: 'separate',
  beta: 1,
  klMode: 'analytic',
  dtype: 'float32',
};

/** A short label for tables: `probunet`, `probunet+planar2`, `detunet`. */
export function variantName(c: Pick<ModelConfig, 'model' | 'flow' | 'flowSteps'>): string {
  if (c.model === 'detunet') return 'detunet';
  return c.flow === 'none' || c.flowSteps === 0 ? 'probunet' : `probunet+${c.flow}${c.flowSteps}`;
}
