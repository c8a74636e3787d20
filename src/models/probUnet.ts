import { cat, randn, zeros } from '../tensor/create.js';
import { scope } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import { Module } from '../nn/module.js';
import type { OnnxEmitter } from '../nn/onnx.js';
import { elbo, type ElboParts } from '../losses/elbo.js';
import { pixelSumBce } from '../losses/bce.js';
import { createFlow, type FlowChain } from '../flows/index.js';
import type { ModelConfig } from './config.js';
import { FCOMB_LAYERS, POSTERIOR_MASK_SHIFT } from './constants.js';
import { UNet } from './unet.js';
import { Conv2d } from '../nn/layers.js';
import { GaussianEncoder, gaussianFromPooled, gaussianFromPooledOnnx, type GaussianParams } from './gaussianEncoder.js';
import { Fcomb } from './fcomb.js';
import type { LatentDiagnostics, LossOptions, OnnxSampleNodes, SampleOptions, Samples, SegmentationModel } from './segmentationModel.js';

/** Images per U-Net pass when sampling (see `sample`). */
const IMAGES_PER_PASS = 1;

/** Probabilistic U-Net (Kohl 2018) with an optional normalizing flow on the posterior (Valiuddin 2021, Selvan 2020). */
export class ProbUNet extends Module implements SegmentationModel {
  readonly config: ModelConfig;
  readonly unet: UNet;
  /** The prior's own encoder (`prior: 'separate'`), or undefined when it shares the U-Net's. */
  readonly prior: GaussianEncoder | undefined;
  /** `prior: 'shared'`: 1×1 conv from the U-Net's pooled deepest features to (μ, log σ). */
  readonly priorHead: Conv2d | undefined;
  readonly posterior: GaussianEncoder;
  readonly fcomb: Fcomb;
  readonly flow: FlowChain | undefined;

  constructor(config: ModelConfig) {
    super();
    this.config = config;
    const opts = { dtype: config.dtype };
    const { inChannels, filters, convsPerBlock, latent } = config;
    this.unet = this.child('unet', new UNet(inChannels, filters, convsPerBlock, opts));
    const deepest = filters[filters.length - 1] as number;
    const shared = config.prior === 'shared';
    this.prior = shared ? undefined : this.child('prior', new GaussianEncoder(inChannels, filters, latent, convsPerBlock, opts));
    this.priorHead = shared ? this.child('priorHead', new Conv2d(deepest, 2 * latent, 1, opts)) : undefined;
    this.posterior = this.child('posterior', new GaussianEncoder(inChannels + 1, filters, latent, convsPerBlock, opts));
    this.fcomb = this.child('fcomb', new Fcomb(filters[0] as number, latent, FCOMB_LAYERS, opts));
    this.flow =
      config.flow !== 'none' && config.flowSteps > 0 ? this.child('flow', createFlow(config.flow, config.flowSteps, latent, deepest, opts)) : undefined;
  }

  /** The posterior sees image ⊕ (mask − 0.5) (Kohl's shift). */
  encodePosterior(images: Tensor, masks: Tensor): GaussianParams {
    return this.posterior.forward(cat([images, masks.sub(POSTERIOR_MASK_SHIFT)], 1));
  }

  /** U-Net features [B, F, H, W] and the prior p(z|x) (μ, log σ [B, L]) of images [B, C, H, W]. */
  private featuresAndPrior(images: Tensor): { features: Tensor; p: GaussianParams } {
    if (this.prior) return { features: this.unet.forward(images), p: this.prior.forward(images) };
    const { features, pooled } = this.unet.forwardWithBottleneck(images);
    return { features, p: gaussianFromPooled(this.priorHead as Conv2d, pooled, this.config.latent) };
  }

  loss(images: Tensor, masks: Tensor, options: LossOptions = {}): ElboParts & LatentDiagnostics & { logits: Tensor } {
    const { features, p } = this.featuresAndPrior(images); // features [B, F, H, W]
    const q = this.encodePosterior(images, masks);
    const eps = options.eps ?? randn(q.mu.shape, { dtype: this.config.dtype as 'float32' | 'float64' }); // [B, L]
    const z0 = q.mu.add(q.logSigma.exp().mul(eps)); // [B, L]
    const flowed = this.flow ? this.flow.forward(z0, q.context) : { z: z0, logDet: zeros([z0.shape[0] as number], { dtype: z0.dtype }) };
    const logits = this.fcomb.forward(features, flowed.z); // [B, 1, H, W]
    const parts = elbo({
      ce: pixelSumBce(logits, masks),
      muQ: q.mu,
      logSigmaQ: q.logSigma,
      muP: p.mu,
      logSigmaP: p.logSigma,
      z0,
      zK: flowed.z,
      logDet: flowed.logDet,
      beta: this.config.beta,
      klMode: this.config.klMode,
      hasFlow: this.flow !== undefined,
    });
    return { ...parts, logits, priorLogSigma: p.logSigma, posteriorLogSigma: q.logSigma };
  }

  outputBias(): Tensor {
    return this.fcomb.outputBias();
  }

  /**
   * U-Net and prior once per image; z = μp + σp·ε and fcomb per sample. Images go through one
   * at a time: a 128² U-Net forward measured 100–120 ms wall per image at batch 1, 120–155 at
   * batch 2 and 210–280 at batch 16 (2 threads, busy 2-core box; CPU time 90 / 80 / 110 ms) —
   * larger activations fall out of cache and come back as fresh pages — and peak memory stays
   * that of one image.
   */
  sample(images: Tensor, n: number, options: SampleOptions = {}): Samples {
    const [b] = images.shape as [number];
    const L = this.config.latent;
    return scope(() => {
      const eps = options.eps ?? randn([b, n, L], { dtype: this.config.dtype as 'float32' | 'float64', generator: options.generator }); // [B, n, L]
      const passes: Samples[] = [];
      for (let i = 0; i < b; i += IMAGES_PER_PASS) {
        const j = Math.min(b, i + IMAGES_PER_PASS);
        passes.push(scope(() => this.samplePass(images.slice(0, i, j), eps.slice(0, i, j))));
      }
      if (passes.length === 1) return passes[0] as Samples;
      const join = (key: keyof Samples): Tensor =>
        cat(
          passes.map((s) => s[key]),
          0,
        );
      return { probs: join('probs'), logits: join('logits'), priorMu: join('priorMu'), priorSigma: join('priorSigma') };
    });
  }

  /** images [b, C, H, W], eps [b, n, L] → Samples */
  private samplePass(images: Tensor, eps: Tensor): Samples {
    const { features, p } = this.featuresAndPrior(images); // features [b, F, H, W]
    const sigma = p.logSigma.exp(); // [b, L]
    const z = p.mu.unsqueeze(1).add(sigma.unsqueeze(1).mul(eps)); // [b, n, L]
    const logits = this.fcomb.sample(features, z); // [b, n, H, W]
    return { probs: logits.sigmoid(), logits, priorMu: p.mu, priorSigma: sigma };
  }

  /** ONNX twin of sample: image [B, C, H, W], eps [B, n, L]. */
  onnxSample(g: OnnxEmitter, image: string, eps: string): OnnxSampleNodes {
    const { features, p } = this.onnxFeaturesAndPrior(g, image); // features [B, F, H, W]
    const sigma = g.op('Exp', [p.logSigma]); // [B, L]
    const unsqueeze = (x: string): string => g.op('Unsqueeze', [x, g.ints([1])]);
    const z = g.op('Add', [unsqueeze(p.mu), g.op('Mul', [unsqueeze(sigma), eps])]); // [B, n, L]
    return { logits: this.fcomb.onnx(g, features, z, this.prefixOf(this.fcomb, '')), priorMu: p.mu, priorSigma: sigma };
  }

  /** ONNX twin of featuresAndPrior. */
  private onnxFeaturesAndPrior(g: OnnxEmitter, image: string): { features: string; p: { mu: string; logSigma: string } } {
    if (this.prior) return { features: this.unet.onnx(g, image, this.prefixOf(this.unet, '')), p: this.prior.onnx(g, image, this.prefixOf(this.prior, '')) };
    const head = this.priorHead as Conv2d;
    const { features, pooled } = this.unet.onnxWithBottleneck(g, image, this.prefixOf(this.unet, ''));
    return { features, p: gaussianFromPooledOnnx(g, head, pooled, this.config.latent, this.prefixOf(head, '')) };
  }
}
