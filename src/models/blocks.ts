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
    for (const conv of this.convs) y = conv.forward(y).relu();
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
      if (i > 0) y = avgPool2d(y, 2);
      y = block.forward(y);
      skips.push(y);
    });
    return skips;
  }
}
