import { avgPool2d } from '../tensor/functional.js';
import type { Tensor } from '../tensor/tensor.js';
import { Module } from '../nn/module.js';
import { Conv2d, type LayerOptions } from '../nn/layers.js';

/** n × (conv3×3, pad 1 + ReLU): Kohl's block. Children '0'..'n-1' (state_dict `…{i}.{j}.weight`). */
export class ConvBlock extends Module {
  private readonly convs: Conv2d[];
  constructor(inChannels: number, outChannels: number, convs: number, opts: LayerOptions = {}) {
    super();
    this.convs = Array.from({ length: convs }, (_, j) => this.child(String(j), new Conv2d(j === 0 ? inChannels : outChannels, outChannels, 3, opts)));
  }
  /** [B, Cin, H, W] → [B, Cout, H, W] */
  forward(x: Tensor): Tensor {
    let y = x;
    for (const conv of this.convs) {
      // Free intermediates as soon as they are used (as Python's refcounting does); autograd
      // keeps its own references to what backward needs. Halves peak memory at inference.
      const pre = conv.forward(y);
      if (y !== x) y.dispose();
      y = pre.relu();
      pre.dispose();
    }
    return y;
  }
}

/** The encoder path shared by the U-Net, prior and posterior: block 0 at full resolution, then 2×2 avg-pool before each block. */
export class DownPath extends Module {
  readonly blocks: ConvBlock[];
  constructor(inChannels: number, filters: readonly number[], convs: number, opts: LayerOptions = {}) {
    super();
    this.blocks = filters.map((f, i) => this.child(String(i), new ConvBlock(i === 0 ? inChannels : (filters[i - 1] as number), f, convs, opts)));
  }
  /** [B, Cin, H, W] → per level [B, filters[i], H/2^i, W/2^i] */
  forward(x: Tensor): Tensor[] {
    const skips: Tensor[] = [];
    let y = x;
    this.blocks.forEach((block, i) => {
      const pooled = i > 0 ? avgPool2d(y, 2) : y;
      y = block.forward(pooled);
      if (pooled !== x && i > 0) pooled.dispose();
      skips.push(y);
    });
    return skips;
  }
}
