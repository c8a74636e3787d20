import { cat } from '../tensor/create.js';
import { interpolateBilinear } from '../tensor/functional.js';
import { scope } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import { Module } from '../nn/module.js';
import { ModuleList } from '../nn/moduleList.js';
import { chain } from '../nn/chain.js';
import type { LayerOptions } from '../nn/layers.js';
import type { OnnxEmitter } from '../nn/onnx.js';
import { ConvBlock, DownPath } from './blocks.js';

/**
 * Kohl's U-Net. Output: the last decoder feature map (filters[0] channels), no logits —
 * fcomb (or a 1×1 head) turns features into logits. Params `down.{i}.{j}.*`, `up.{i}.{j}.*`
 * with up.0 the deepest decoder block.
 */
export class UNet extends Module {
  private readonly down: DownPath;
  private readonly up: ModuleList<ConvBlock>;
  readonly outChannels: number;

  constructor(inChannels: number, filters: readonly number[], convs: number, opts: LayerOptions = {}) {
    super();
    this.down = this.child('down', new DownPath(inChannels, filters, convs, opts));
    const levels = Array.from({ length: filters.length - 1 }, (_, i) => filters.length - 2 - i); // deepest decoder first
    this.up = this.child(
      'up',
      new ModuleList(levels.map((l) => new ConvBlock((filters[l + 1] as number) + (filters[l] as number), filters[l] as number, convs, opts))),
    );
    this.outChannels = filters[0] as number;
  }

  /** [B, Cin, H, W] → [B, filters[0], H, W] */
  forward(x: Tensor): Tensor {
    return this.run(x, false).features;
  }

  /**
   * features [B, filters[0], H, W] and the deepest encoder level averaged over space,
   * pooled [B, filters[-1], 1, 1] (the shared prior's input).
   */
  forwardWithBottleneck(x: Tensor): { features: Tensor; pooled: Tensor } {
    const { features, pooled } = this.run(x, true);
    return { features, pooled: pooled as Tensor };
  }

  /** The pass behind forward / forwardWithBottleneck; pools the deepest level only when asked. */
  private run(x: Tensor, pool: boolean): { features: Tensor; pooled: Tensor | undefined } {
    return scope(() => {
      const skips = this.down.forward(x); // freed when this scope ends
      const deepest = skips[skips.length - 1] as Tensor;
      const pooled = pool ? deepest.mean([2, 3], true) : undefined; // [B, C, 1, 1]
      // bilinear up to the skip's size (align_corners), concat, block; each decoder output lives until the next has used it
      const steps = this.up.items.map((block, i) => (y: Tensor) => {
        const skip = skips[skips.length - 2 - i] as Tensor; // [B, f, h, w]
        return block.forward(cat([interpolateBilinear(y, [skip.shape[2] as number, skip.shape[3] as number], true), skip], 1));
      });
      return { features: chain(deepest, steps), pooled };
    });
  }

  /** ONNX twin of forward. */
  onnx(g: OnnxEmitter, x: string, prefix: string): string {
    return this.onnxLevels(g, x, prefix).features;
  }

  /** ONNX twin of forwardWithBottleneck. */
  onnxWithBottleneck(g: OnnxEmitter, x: string, prefix: string): { features: string; pooled: string } {
    const { features, deepest } = this.onnxLevels(g, x, prefix);
    return { features, pooled: g.op('ReduceMean', [deepest], { axes: [2, 3], keepdims: 1 }) }; // pooled [B, C, 1, 1]
  }

  private onnxLevels(g: OnnxEmitter, x: string, prefix: string): { features: string; deepest: string } {
    const skips = this.down.onnx(g, x, this.prefixOf(this.down, prefix));
    const features = this.up.items.reduce(
      (y, block, i) => {
        const skip = skips[skips.length - 2 - i] as string;
        // Resize sizes = [B, C of y, H and W of the skip]: torch interpolates to the skip's size (odd sizes too).
        const sizes = g.op(
          'Concat',
          [g.op('Slice', [g.op('Shape', [y]), g.ints([0]), g.ints([2])]), g.op('Slice', [g.op('Shape', [skip]), g.ints([2]), g.ints([4])])],
          { axis: 0 },
        );
        const up = g.op('Resize', [y, '', '', sizes], { mode: 'linear', coordinate_transformation_mode: 'align_corners' });
        return block.onnx(g, g.op('Concat', [up, skip], { axis: 1 }), `${this.prefixOf(this.up, prefix)}${i}.`);
      },
      skips[skips.length - 1] as string,
    );
    return { features, deepest: skips[skips.length - 1] as string };
  }
}
