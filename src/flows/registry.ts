import type { LayerOptions } from '../nn/layers.js';
import { FlowsegInputError } from '../util/errors.js';
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

export function isFlowKind(name: string): name is FlowKind {
  return (FLOW_KINDS as readonly string[]).includes(name);
}

/** K steps of one flow kind on an L-dimensional latent, conditioned on a context of `contextSize` (K = 0: identity). */
export function createFlow(kind: FlowKind, steps: number, latent: number, contextSize: number, opts: LayerOptions = {}): FlowChain {
  if (!isFlowKind(kind)) throw new FlowsegInputError(`unknown flow '${String(kind)}': use one of ${FLOW_KINDS.join(', ')}`);
  if (!Number.isInteger(steps) || steps < 0) throw new FlowsegInputError(`flow steps must be an integer ≥ 0, got ${steps}`);
  if (!Number.isInteger(latent) || latent < 1) throw new FlowsegInputError(`flow latent size must be an integer ≥ 1, got ${latent}`);
  if (kind === 'cglow' && latent < 2) throw new FlowsegInputError('cglow needs a latent size ≥ 2 (the coupling splits z in halves)');
  const factory = FACTORIES[kind];
  return new FlowChain(Array.from({ length: steps }, () => factory(latent, contextSize, opts)));
}
