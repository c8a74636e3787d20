import { scope } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import { Module } from '../nn/module.js';
import { Conv2d, type LayerOptions } from '../nn/layers.js';
import type { OnnxEmitter } from '../nn/onnx.js';
import { DownPath } from './blocks.js';
import { boundLogSigma, boundLogSigmaOnnx } from './logSigma.js';

export interface GaussianParams {
  /** [B, L] */
  mu: Tensor;
  /** [B, L], bounded (logSigma.ts) */
  logSigma: Tensor;
  /** [B, C] spatially averaged last encoder features: the flows' context h. */
  context: Tensor;
}

/** Prior / posterior net: down path → spatial mean → 1×1 conv → (μ, log σ). Params `down.*`, `head.*`. */
export class GaussianEncoder extends Module {
  private readonly down: DownPath;
  private readonly head: Conv2d;
  readonly latent: number;

  constructor(inChannels: number, filters: readonly number[], latent: number, convs: number, opts: LayerOptions = {}) {
    super();
    this.down = this.child('down', new DownPath(inChannels, filters, convs, opts));
    this.head = this.child('head', new Conv2d(filters[filters.length - 1] as number, 2 * latent, 1, opts));
    this.latent = latent;
  }

  /** x [B, Cin, H, W] → μ, log σ [B, L], context [B, C] */
  forward(x: Tensor): GaussianParams {
    // only the pooled features leave the inner scope: every level is freed there
    const h = scope(() => (this.down.forward(x).at(-1) as Tensor).mean([2, 3], true)); // [B, C, 1, 1]
    return gaussianFromPooled(this.head, h, this.latent);
  }

  /** ONNX twin of forward (μ and log σ; the context is only used by posterior flows). */
  onnx(g: OnnxEmitter, x: string, prefix: string): { mu: string; logSigma: string } {
    const levels = this.down.onnx(g, x, this.prefixOf(this.down, prefix));
    const pooled = g.op('ReduceMean', [levels.at(-1) as string], { axes: [2, 3], keepdims: 1 }); // [B, C, 1, 1]
    return gaussianFromPooledOnnx(g, this.head, pooled, this.latent, this.prefixOf(this.head, prefix));
  }
}

/** pooled [B, C, 1, 1] → 1×1 conv head → μ, bounded log σ [B, L]; context = pooled [B, C]. */
export function gaussianFromPooled(head: Conv2d, pooled: Tensor, latent: number): GaussianParams {
  const out = head.forward(pooled).flatten(1); // [B, 2L]
  return { mu: out.slice(1, 0, latent), logSigma: boundLogSigma(out.slice(1, latent, 2 * latent)), context: pooled.flatten(1) };
}

/** ONNX twin of gaussianFromPooled (μ and log σ). */
export function gaussianFromPooledOnnx(g: OnnxEmitter, head: Conv2d, pooled: string, latent: number, headPrefix: string): { mu: string; logSigma: string } {
  const L = latent;
  const out = g.op('Reshape', [head.onnx(g, pooled, headPrefix), g.ints([0, -1])]); // [B, 2L]
  return {
    mu: g.op('Slice', [out, g.ints([0]), g.ints([L]), g.ints([1])]),
    logSigma: boundLogSigmaOnnx(g, g.op('Slice', [out, g.ints([L]), g.ints([2 * L]), g.ints([1])])),
  };
}
