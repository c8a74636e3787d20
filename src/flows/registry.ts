import type { LayerOptions } from '../nn/layers.js';
import { FlowChain, type FlowStep } from './flow.js';
import { PlanarStep } from './planar.js';
import { RadialStep } from './radial.js';
import { CondPlanarStep } from './condPlanar.js';
import { CondGlowStep } from './condGlow/step.js';

export type FlowKind = 'planar' | 'radial' | 'cplanar' | 'cglow';
export const FLOW_KINDS: readonly FlowKind[] = ['planar', 'radial', 'cplanar', 'cglow'];

const FACTORIES: Record<FlowKind, (latent: number, contextSize: number, opts: LayerOptions) => FlowStep> = {
  planar: (l, c, o) => new PlanarStep(l, c, o),
  radial: (l, c, o) => new RadialStep(l, c, o),
  cplanar: (l, c, o) => new CondPlanarStep(l, c, o),
  cglow: (l, c, o) => new CondGlowStep(l, c, o),
};

/** K steps of one flow kind on an L-dimensional latent, conditioned on a context of `contextSize`. */
export function createFlow(kind: FlowKind, steps: number, latent: number, contextSize: number, opts: LayerOptions = {}): FlowChain {
  const factory = FACTORIES[kind];
  if (!factory) throw new Error(`unknown flow '${kind}' (use ${FLOW_KINDS.join(', ')})`);
  return new FlowChain(Array.from({ length: steps }, () => factory(latent, contextSize, opts)));
}
