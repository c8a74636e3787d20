import { cat } from '../tensor/create.js';
import { gradEnabled } from '../tensor/engine.js';
import { conv2d, samplePointwiseMlp } from '../tensor/functional.js';
import { scope } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import { Module } from '../nn/module.js';
import { ModuleList } from '../nn/moduleList.js';
import { chain } from '../nn/chain.js';
import { Conv2d, type LayerOptions } from '../nn/layers.js';
import type { OnnxEmitter } from '../nn/onnx.js';
import { FCOMB_LAYERS } from './constants.js';

/**
 * The per-sample layers run on chunks of pixels holding about this many values per activation
 * (512 KB in float32, an L2 cache's worth). Measured on fcomb's 16 × 128² × 32 maps (1 thread,
 * CPU time): 4096-pixel chunks 38–42 ms, 8192 already 105–127 ms, whole samples 130 ms;
 * smaller chunks only add call overhead (1024: 48–54 ms).
 */
const CHUNK_VALUES = 1 << 17;

/**
 * Kohl's fcomb: tile z over H×W, concat with the U-Net features, FCOMB_LAYERS × (1×1 conv + ReLU),
 * 1×1 conv → 1 logit. Computed in an equivalent, cheaper form: the first layer's weight splits
 * as [W_f | W_z], so W·[f; z] + b = (W_f·f + b) + W_z·z — the feature half runs once per image,
 * only W_z·z (L numbers) per sample. Training runs the 1×1 layers as NCHW convolutions, sampling as
 * GEMMs on channels-last pixel chunks.
 * Params `layers.{k}.*`, `last.*` (Conv2d weights, as the reference).
 */
export class Fcomb extends Module {
  private readonly layers: ModuleList<Conv2d>;
  private readonly last: Conv2d;
  private readonly featureChannels: number;

  constructor(featureChannels: number, latent: number, layers = FCOMB_LAYERS, opts: LayerOptions = {}) {
    super();
    this.layers = this.child(
      'layers',
      new ModuleList(Array.from({ length: layers }, (_, k) => new Conv2d(k === 0 ? featureChannels + latent : featureChannels, featureChannels, 1, opts))),
    );
    this.last = this.child('last', new Conv2d(featureChannels, 1, 1, opts));
    this.featureChannels = featureChannels;
  }

  /** The bias of the last 1×1 conv: the logit every pixel starts from. [1] */
  outputBias(): Tensor {
    return this.last.bias;
  }

  /**
   * Training form, one z per image: features [B, F, H, W], z [B, L] → logits [B, 1, H, W].
   * Layer 0 split as in `parts` (W_z·z is [B, F], added per channel), then NCHW 1×1 convolutions:
   * those run on oneDNN, where the GEMM form (`pointwise` on [B, HW, F]) woke OpenBLAS's own
   * worker thread, which spun in sched_yield beside libgomp's. Measured on a PU-Net + 2-planar step
   * (batch 8, 128², 2 threads, 6 interleaved rounds): 7.63 against 7.34 img/s (paired median 1.04×),
   * peak RSS 902 against 871 MB (docs/engine.md). Kohl's literal form (tile z, concat, then the same
   * convs) measured no faster and ~100 MB higher peak RSS.
   */
  forward(features: Tensor, z: Tensor): Tensor {
    const f = this.featureChannels;
    const [first, ...rest] = this.layers.items as [Conv2d, ...Conv2d[]];
    return scope(() => {
      const shared = conv2d(features, first.weight.slice(1, 0, f), first.bias); // [B, F, H, W]
      const perSample = first.pointwise(z, [f, first.weight.shape[1] as number], false); // [B, F]
      let x = shared.add(perSample.unsqueeze(2).unsqueeze(3)).relu(); // [B, F, H, W]
      for (const conv of rest) x = conv.forward(x).relu();
      return this.last.forward(x); // [B, 1, H, W]
    });
  }

  /**
   * features [B, F, H, W] (once per image), z [B, n, L] → logits [B, n, H, W], in cache-sized pixel
   * chunks. Without autograd the chunk loop runs in one native call (samplePointwiseMlp): the op
   * by op loop below cost ~6 engine calls and allocations per chunk, 6,000 per 16 images × 16 samples.
   */
  sample(features: Tensor, z: Tensor): Tensor {
    const [b, , h, w] = features.shape as [number, number, number, number];
    const n = z.shape[1] as number;
    const hw = h * w;
    const pixels = Math.max(1, Math.floor(CHUNK_VALUES / this.featureChannels));
    return scope(() => {
      const { shared, perSample, layers } = this.parts(features, z);
      if (!gradEnabled()) {
        const convs = [...this.layers.items.slice(1), this.last];
        return samplePointwiseMlp(
          shared,
          perSample,
          convs.map((conv) => conv.weight.flatten(1)), // [Cout, Cin]
          convs.map((conv) => conv.bias),
          pixels,
        ).reshape([b, n, h, w]); // [B, n, HW, 1] → [B, n, H, W]
      }
      const chunks: Tensor[] = []; // [P, 1] each, in (image, sample, pixel) order
      for (let i = 0; i < b; i++) {
        const image = shared.slice(0, i, i + 1).squeeze(0); // [HW, F]
        for (let s = 0; s < n; s++) {
          const zPart = perSample
            .slice(0, i, i + 1)
            .squeeze(0)
            .slice(0, s, s + 1); // [1, F]
          for (let p = 0; p < hw; p += pixels) {
            chunks.push(
              scope(() =>
                chain(
                  image
                    .slice(0, p, Math.min(hw, p + pixels))
                    .add(zPart)
                    .relu(),
                  layers,
                ),
              ),
            );
          }
        }
      }
      return cat(chunks, 0).reshape([b, n, h, w]);
    });
  }

  /** Layer 0 split into its feature half W_f·f + b [B, HW, F] and its latent half W_z·z [B, n, F]; the later layers as steps. */
  private parts(features: Tensor, z: Tensor): { shared: Tensor; perSample: Tensor; layers: ((x: Tensor) => Tensor)[] } {
    const f = features.shape[1] as number;
    const L = z.shape[2] as number;
    const [first, ...rest] = this.layers.items as [Conv2d, ...Conv2d[]];
    return {
      shared: first.pointwise(features.flatten(2).transpose(1, 2), [0, f]),
      perSample: first.pointwise(z, [f, f + L], false),
      layers: [...rest.map((conv) => (x: Tensor) => conv.pointwise(x).relu()), (x: Tensor) => this.last.pointwise(x)],
    };
  }

  /** ONNX twin of sample: features [B, F, H, W], z [B, n, L] → logits [B, n, H, W] (same decomposition, MatMuls). */
  onnx(g: OnnxEmitter, features: string, z: string, prefix: string): string {
    const [first, ...rest] = this.layers.items as [Conv2d, ...Conv2d[]];
    const f = this.featureChannels;
    const L = (first.weight.shape[1] as number) - f;
    const at = (conv: Conv2d): string => `${this.prefixOf(this.layers, prefix)}${this.layers.items.indexOf(conv)}.`;
    const pixels = g.op('Transpose', [g.op('Reshape', [features, g.ints([0, f, -1])])], { perm: [0, 2, 1] }); // [B, HW, F]
    const shared = g.op('Unsqueeze', [first.pointwiseOnnx(g, pixels, at(first), [0, f]), g.ints([1])]); // [B, 1, HW, F]
    const perSample = g.op('Unsqueeze', [first.pointwiseOnnx(g, z, at(first), [f, f + L], false), g.ints([2])]); // [B, n, 1, F]
    let x = g.op('Relu', [g.op('Add', [shared, perSample])]); // [B, n, HW, F]
    for (const conv of rest) x = g.op('Relu', [conv.pointwiseOnnx(g, x, at(conv))]);
    const logits = this.last.pointwiseOnnx(g, x, this.prefixOf(this.last, prefix)); // [B, n, HW, 1]
    const bn = g.op('Slice', [g.op('Shape', [z]), g.ints([0]), g.ints([2])]);
    const hw = g.op('Slice', [g.op('Shape', [features]), g.ints([2]), g.ints([4])]);
    return g.op('Reshape', [logits, g.op('Concat', [bn, hw], { axis: 0 })]); // [B, n, H, W]
  }
}
