import type { Tensor } from '../tensor/tensor.js';
import type { ModelConfig } from '../models/config.js';
import { FlowsegInputError } from '../util/errors.js';
import { GraphBuilder } from './onnxGraph.js';

/** Must equal GaussianEncoder's clamp of log σ (gaussianEncoder.ts). */
const LOG_SIGMA_LIMIT = 10;

export interface GraphSpec {
  config: ModelConfig;
  /** [C, H, W] of the model input. */
  inputShape: [number, number, number];
  /** The model's `namedParameters()` (PyTorch state_dict names). */
  params: Map<string, Tensor>;
}

/**
 * The inference path as one ONNX graph.
 *   inputs:  image [B, C, H, W], eps [B, n, L]
 *   outputs: probs, logits [B, n, H, W], prior_mu, prior_sigma [B, L]
 * The U-Net runs once per image; only fcomb runs per sample (features tiled over n),
 * exactly as ProbUNet.sample. The deterministic U-Net accepts eps (for n) and ignores it.
 */
export function buildInferenceGraph(spec: GraphSpec): GraphBuilder {
  const { config, inputShape } = spec;
  const [c, h, w] = inputShape;
  const L = config.latent;
  const g = new GraphBuilder();
  const ctx = new Ctx(g, spec.params);
  const image = g.input('image', ['B', c, h, w]);
  const eps = g.input('eps', ['B', 'n', L]);
  const epsShape = g.op('Shape', [eps]); // [B, n, L]
  const bn = g.op('Slice', [epsShape, g.ints([0]), g.ints([2])]); // [B, n]
  const n = g.op('Slice', [epsShape, g.ints([1]), g.ints([2])]); // [n]
  const outShape = g.op('Concat', [bn, g.ints([h, w])], { axis: 0 }); // [B, n, H, W]

  const features = unet(ctx, image, config); // [B, F, H, W]
  let logits: string;
  let mu: string;
  let sigma: string;
  if (config.model === 'detunet') {
    const single = ctx.conv('head', features, 0); // [B, 1, H, W]
    logits = g.op('Expand', [single, g.op('Concat', [g.ints([1]), n, g.ints([1, 1])], { axis: 0 })]); // [B, n, H, W]
    const bl = g.op('Concat', [g.op('Slice', [epsShape, g.ints([0]), g.ints([1])]), g.ints([L])], { axis: 0 }); // [B, L]
    mu = g.op('Expand', [g.floats('zeros_L', new Float32Array(L), [1, L]), bl]);
    sigma = g.op('Expand', [g.floats('ones_L', new Float32Array(L).fill(1), [1, L]), bl]);
  } else {
    ({ mu, sigma } = prior(ctx, image, config));
    // z = μ + σ·ε per sample  [B, n, L]
    const z = g.op('Add', [unsqueeze(g, mu, 1), g.op('Mul', [unsqueeze(g, sigma, 1), eps])]);
    const f = config.filters[0] as number;
    const tiledFeatures = g.op('Reshape', [
      g.op('Expand', [unsqueeze(g, features, 1), g.op('Concat', [g.ints([1]), n, g.ints([1, 1, 1])], { axis: 0 })]), // [B, n, F, H, W]
      g.ints([-1, f, h, w]),
    ]); // [B·n, F, H, W]
    const tiledZ = g.op('Expand', [g.op('Reshape', [z, g.ints([-1, L, 1, 1])]), g.ints([1, 1, h, w])]); // [B·n, L, H, W]
    let x = g.op('Concat', [tiledFeatures, tiledZ], { axis: 1 });
    for (let k = 0; k < 3; k++) x = g.op('Relu', [ctx.conv(`fcomb.layers.${k}`, x, 0)]);
    logits = g.op('Reshape', [ctx.conv('fcomb.last', x, 0), outShape]); // [B, n, H, W]
  }
  g.output(logits, 'logits', ['B', 'n', h, w]);
  g.output(g.op('Sigmoid', [logits]), 'probs', ['B', 'n', h, w]);
  g.output(mu, 'prior_mu', ['B', L]);
  g.output(sigma, 'prior_sigma', ['B', L]);
  return g;
}

/** Weight lookup + conv emission. */
class Ctx {
  constructor(
    readonly g: GraphBuilder,
    private readonly params: Map<string, Tensor>,
  ) {}

  conv(prefix: string, x: string, pad: number): string {
    const w = this.weight(`${prefix}.weight`);
    const b = this.weight(`${prefix}.bias`);
    const k = w.shape[2] as number;
    return this.g.op('Conv', [x, this.g.floats(`${prefix}.weight`, w.toFloat32Array(), w.shape), this.g.floats(`${prefix}.bias`, b.toFloat32Array(), b.shape)], {
      kernel_shape: [k, k],
      pads: [pad, pad, pad, pad],
      strides: [1, 1],
    });
  }

  private weight(name: string): Tensor {
    const t = this.params.get(name);
    if (!t) throw new FlowsegInputError(`export: the model has no parameter ${name} (checkpoint from another flowseg version?)`);
    return t;
  }
}

function unsqueeze(g: GraphBuilder, x: string, axis: number): string {
  return g.op('Unsqueeze', [x, g.ints([axis])]);
}

/** n × (conv3×3 + ReLU) */
function block(ctx: Ctx, prefix: string, x: string, convs: number): string {
  let y = x;
  for (let j = 0; j < convs; j++) y = ctx.g.op('Relu', [ctx.conv(`${prefix}.${j}`, y, 1)]);
  return y;
}

/** DownPath: block 0 at full resolution, 2×2 average pooling before every later block. */
function downPath(ctx: Ctx, prefix: string, x: string, config: ModelConfig): string[] {
  const skips: string[] = [];
  let y = x;
  config.filters.forEach((_, i) => {
    if (i > 0) y = ctx.g.op('AveragePool', [y], { kernel_shape: [2, 2], strides: [2, 2] });
    y = block(ctx, `${prefix}.${i}`, y, config.convsPerBlock);
    skips.push(y);
  });
  return skips;
}

/** UNet.forward: bilinear ×2 (align_corners) up to the skip's size, concat, block. */
function unet(ctx: Ctx, image: string, config: ModelConfig): string {
  const { g } = ctx;
  const skips = downPath(ctx, 'unet.down', image, config);
  let y = skips[skips.length - 1] as string;
  for (let i = 0; i < skips.length - 1; i++) {
    const skip = skips[skips.length - 2 - i] as string;
    // sizes = [B, C of y, H and W of the skip]: torch interpolates to the skip's size.
    const sizes = g.op('Concat', [g.op('Slice', [g.op('Shape', [y]), g.ints([0]), g.ints([2])]), g.op('Slice', [g.op('Shape', [skip]), g.ints([2]), g.ints([4])])], { axis: 0 });
    const up = g.op('Resize', [y, '', '', sizes], { mode: 'linear', coordinate_transformation_mode: 'align_corners' });
    y = block(ctx, `unet.up.${i}`, g.op('Concat', [up, skip], { axis: 1 }), config.convsPerBlock);
  }
  return y;
}

/** GaussianEncoder (prior): spatial mean of the deepest features → 1×1 conv → μ, σ = exp(clamp(log σ)). */
function prior(ctx: Ctx, image: string, config: ModelConfig): { mu: string; sigma: string } {
  const { g } = ctx;
  const L = config.latent;
  const levels = downPath(ctx, 'prior.down', image, config);
  const pooled = g.op('ReduceMean', [levels[levels.length - 1] as string], { axes: [2, 3], keepdims: 1 }); // [B, C, 1, 1]
  const out = g.op('Reshape', [ctx.conv('prior.head', pooled, 0), g.ints([0, -1])]); // [B, 2L]
  const mu = g.op('Slice', [out, g.ints([0]), g.ints([L]), g.ints([1])]);
  const logSigma = g.op('Clip', [g.op('Slice', [out, g.ints([L]), g.ints([2 * L]), g.ints([1])]), g.scalar(-LOG_SIGMA_LIMIT), g.scalar(LOG_SIGMA_LIMIT)]);
  return { mu, sigma: g.op('Exp', [logSigma]) };
}
