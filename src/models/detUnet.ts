import { cat, ones, zeros } from '../tensor/create.js';
import { scope } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import { Module } from '../nn/module.js';
import { Conv2d } from '../nn/layers.js';
import type { OnnxEmitter } from '../nn/onnx.js';
import { pixelSumBce } from '../losses/bce.js';
import type { ElboParts } from '../losses/elbo.js';
import type { ModelConfig } from './config.js';
import { UNet } from './unet.js';
import type { OnnxSampleNodes, Samples, SegmentationModel } from './segmentationModel.js';

/** Deterministic U-Net baseline: U-Net features → 1×1 conv → logit; BCE only. Params `unet.*`, `head.*`. */
export class DetUNet extends Module implements SegmentationModel {
  readonly config: ModelConfig;
  readonly unet: UNet;
  readonly head: Conv2d;

  constructor(config: ModelConfig) {
    super();
    this.config = config;
    this.unet = this.child('unet', new UNet(config.inChannels, config.filters, config.convsPerBlock, { dtype: config.dtype }));
    this.head = this.child('head', new Conv2d(config.filters[0] as number, 1, 1, { dtype: config.dtype }));
  }

  logits(images: Tensor): Tensor {
    return this.head.forward(this.unet.forward(images)); // [B, 1, H, W]
  }

  loss(images: Tensor, masks: Tensor): ElboParts {
    const ce = pixelSumBce(this.logits(images), masks);
    const zero = zeros([], { dtype: ce.dtype });
    return { loss: ce, ce, kl: zero, logDet: zero };
  }

  outputBias(): Tensor {
    return this.head.bias;
  }

  /** Every "sample" is the same deterministic prediction; one image per U-Net pass, as ProbUNet.sample. */
  sample(images: Tensor, n: number): Samples {
    const [b, , h, w] = images.shape as [number, number, number, number];
    const logits = scope(() =>
      cat(
        Array.from({ length: b }, (_, i) => scope(() => this.logits(images.slice(0, i, i + 1)))),
        0,
      ).expand([b, n, h, w]),
    );
    const L = this.config.latent;
    return { probs: logits.sigmoid(), logits, priorMu: zeros([b, L]), priorSigma: ones([b, L]) };
  }

  /** ONNX twin of sample; eps only gives n (and B). */
  onnxSample(g: OnnxEmitter, image: string, eps: string): OnnxSampleNodes {
    const L = this.config.latent;
    const single = this.head.onnx(g, this.unet.onnx(g, image, this.prefixOf(this.unet, '')), this.prefixOf(this.head, '')); // [B, 1, H, W]
    const epsShape = g.op('Shape', [eps]); // [B, n, L]
    const n = g.op('Slice', [epsShape, g.ints([1]), g.ints([2])]);
    const bl = g.op('Concat', [g.op('Slice', [epsShape, g.ints([0]), g.ints([1])]), g.ints([L])], { axis: 0 }); // [B, L]
    return {
      logits: g.op('Expand', [single, g.op('Concat', [g.ints([1]), n, g.ints([1, 1])], { axis: 0 })]), // [B, n, H, W]
      priorMu: g.op('Expand', [g.floats('zeros_L', new Float32Array(L), [1, L]), bl]),
      priorSigma: g.op('Expand', [g.floats('ones_L', new Float32Array(L).fill(1), [1, L]), bl]),
    };
  }
}
