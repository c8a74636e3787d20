import { tensor, randn } from '../../tensor/create.js';
import { slogdet } from '../../tensor/functional.js';
import { scope } from '../../tensor/scope.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Module } from '../../nn/module.js';
import { Mlp, type LayerOptions } from '../../nn/layers.js';
import type { FlowOutput, FlowStep } from '../flow.js';

/** A random orthogonal L×L matrix (Gram–Schmidt on a Gaussian matrix; Glow's rotation init). */
export function randomOrthogonal(n: number, dtype: 'float32' | 'float64'): Tensor {
  const g = scope(() => randn([n, n], { dtype: 'float64' }).toFloat64Array());
  const q = new Float64Array(n * n); // rows are orthonormal
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) q[i * n + k] = g[i * n + k] as number;
    for (let j = 0; j < i; j++) {
      let dot = 0;
      for (let k = 0; k < n; k++) dot += (q[i * n + k] as number) * (q[j * n + k] as number);
      for (let k = 0; k < n; k++) q[i * n + k] = (q[i * n + k] as number) - dot * (q[j * n + k] as number);
    }
    let norm = 0;
    for (let k = 0; k < n; k++) norm += (q[i * n + k] as number) ** 2;
    for (let k = 0; k < n; k++) q[i * n + k] = (q[i * n + k] as number) / Math.sqrt(norm);
  }
  return tensor(dtype === 'float64' ? q : Float32Array.from(q), [n, n]);
}

/**
 * Conditional invertible 1×1 "convolution" on a 1-D latent (MODEL.md Flows, conditional Glow): z' = W(ctx)·z with
 * W(ctx) = W0 + reshape(MLP(ctx), [L, L]); log|det| = log|det W|. W0 keeps W well conditioned
 * while the conditioning output is small. Params `weight0`, `mlp.*`.
 */
export class CondInvertible1x1 extends Module implements FlowStep {
  private readonly weight0: Tensor;
  private readonly mlp: Mlp;
  constructor(
    private readonly latent: number,
    contextSize: number,
    opts: LayerOptions = {},
  ) {
    super();
    this.weight0 = this.param('weight0', randomOrthogonal(latent, opts.dtype === 'float64' ? 'float64' : 'float32'));
    this.mlp = this.child('mlp', new Mlp(contextSize, latent * latent, 8, { ...opts, zeroLast: true }));
  }
  /** W(ctx) = W0 + reshape(MLP(ctx), [L, L]) (row-major, as the reference's view). ctx [B, C] → [B, L, L]. */
  matrix(ctx: Tensor): Tensor {
    const L = this.latent;
    return this.mlp.forward(ctx).reshape([-1, L, L]).add(this.weight0); // [B, L, L]
  }
  forward(z: Tensor, ctx: Tensor): FlowOutput {
    const w = this.matrix(ctx); // [B, L, L]
    const zNew = w.matmul(z.unsqueeze(-1)).squeeze(-1); // [B, L]
    return { z: zNew, logDet: slogdet(w)[1] };
  }
}
