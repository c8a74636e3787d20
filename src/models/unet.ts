import { cat } from '../tensor/create.js';
import { interpolateBilinear } from '../tensor/functional.js';
import type { Tensor } from '../tensor/tensor.js';
import { Module } from '../nn/module.js';
import type { LayerOptions } from '../nn/layers.js';
import { ConvBlock, DownPath } from './blocks.js';

/**
 * Kohl's U-Net. Output: the last decoder feature map (filters[0] channels), no logits —
 * fcomb (or a 1×1 head) turns features into logits. Params `down.{i}.{j}.*`, `up.{i}.{j}.*`
 * with up.0 the deepest decoder block.
 */
export class UNet extends Module {
  private readonly down: DownPath;
  private readonly up: ConvBlock[];
  readonly outChannels: number;

  constructor(inChannels: number, filters: readonly number[], convs: number, opts: LayerOptions = {}) {
    super();
    // Params must be named `down.{i}.*`: the DownPath's own children are its blocks.
    this.down = this.child('down', new DownPath(inChannels, filters, convs, opts));
    const n = filters.length;
    const upModule = this.child('up', new UpBlocks());
    this.up = [];
    for (let level = n - 2; level >= 0; level--) {
      const f = filters[level] as number;
      this.up.push(upModule.add(String(n - 2 - level), new ConvBlock((filters[level + 1] as number) + f, f, convs, opts)));
    }
    this.outChannels = filters[0] as number;
  }

  /** [B, Cin, H, W] → [B, filters[0], H, W] */
  forward(x: Tensor): Tensor {
    const skips = this.down.forward(x);
    let y = skips[skips.length - 1] as Tensor;
    this.up.forEach((block, i) => {
      const skip = skips[skips.length - 2 - i] as Tensor; // [B, f, h, w]
      const upsampled = interpolateBilinear(y, [skip.shape[2] as number, skip.shape[3] as number], true);
      const joined = cat([upsampled, skip], 1);
      upsampled.dispose();
      if (i > 0) y.dispose(); // the previous decoder output (skips are disposed below)
      y = block.forward(joined);
      joined.dispose();
    });
    for (const s of skips) if (s !== y) s.dispose();
    return y;
  }
}

/** A named list of decoder blocks (children '0', '1', …). */
class UpBlocks extends Module {
  add(name: string, block: ConvBlock): ConvBlock {
    return this.child(name, block);
  }
}
