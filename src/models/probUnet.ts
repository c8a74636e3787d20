import { cat, randn, zeros } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { Module } from '../nn/module.js';
import { elbo, type ElboParts } from '../losses/elbo.js';
import { pixelSumBce } from '../losses/bce.js';
import { createFlow, type FlowChain } from '../flows/index.js';
import type { ModelConfig } from './config.js';
import { UNet } from './unet.js';
import { GaussianEncoder, type GaussianParams } from './gaussianEncoder.js';
import { Fcomb } from './fcomb.js';
import type { LossOptions, SampleOptions, Samples, SegmentationModel } from './segmentationModel.js';

/** Probabilistic U-Net (Kohl 2018) with an optional normalizing flow on the posterior (Valiuddin 2021, Selvan 2020). */
export class ProbUNet extends Module implements SegmentationModel {
  readonly config: ModelConfig;
  readonly unet: UNet;
  readonly prior: GaussianEncoder;
  readonly posterior: GaussianEncoder;
  readonly fcomb: Fcomb;
  readonly flow: FlowChain | undefined;

  constructor(config: ModelConfig) {
    super();
    this.config = config;
    const opts = { dtype: config.dtype };
    const { inChannels, filters, convsPerBlock, latent } = config;
    this.unet = this.child('unet', new UNet(inChannels, filters, convsPerBlock, opts));
    this.prior = this.child('prior', new GaussianEncoder(inChannels, filters, latent, convsPerBlock, opts));
    this.posterior = this.child('posterior', new GaussianEncoder(inChannels + 1, filters, latent, convsPerBlock, opts));
    this.fcomb = this.child('fcomb', new Fcomb(filters[0] as number, latent, 3, opts));
    this.flow =
      config.flow !== 'none' && config.flowSteps > 0
        ? this.child('flow', createFlow(config.flow, config.flowSteps, latent, filters[filters.length - 1] as number, opts))
        : undefined;
  }

  /** The posterior sees image ⊕ (mask − 0.5) (Kohl's shift). */
  encodePosterior(images: Tensor, masks: Tensor): GaussianParams {
    return this.posterior.forward(cat([images, masks.sub(0.5)], 1));
  }

  loss(images: Tensor, masks: Tensor, options: LossOptions = {}): ElboParts & { logits: Tensor } {
    const features = this.unet.forward(images); // [B, F, H, W]
    const p = this.prior.forward(images);
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
    return { ...parts, logits };
  }

  sample(images: Tensor, n: number, options: SampleOptions = {}): Samples {
    const [b, , h, w] = images.shape as [number, number, number, number];
    const L = this.config.latent;
    const features = this.unet.forward(images); // [B, F, H, W] — once per image
    const p = this.prior.forward(images);
    const sigma = p.logSigma.exp(); // [B, L]
    const eps = options.eps ?? randn([b, n, L], { dtype: this.config.dtype as 'float32' | 'float64', generator: options.generator });
    const z = p.mu.unsqueeze(1).add(sigma.unsqueeze(1).mul(eps)).reshape([b * n, L]); // [B·n, L]
    const f = features.shape[1] as number;
    const tiled = features.unsqueeze(1).expand([b, n, f, h, w]).reshape([b * n, f, h, w]); // [B·n, F, H, W]
    const logits = this.fcomb.forward(tiled, z).reshape([b, n, h, w]);
    return { probs: logits.sigmoid(), logits, priorMu: p.mu, priorSigma: sigma };
  }
}
