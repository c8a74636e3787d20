import { cat } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { Module } from '../nn/module.js';
import { Conv2d, type LayerOptions } from '../nn/layers.js';

/** Tile z over H×W, concat with the U-Net features, 3 × (1×1 conv + ReLU), 1×1 conv → 1 logit. */
export class Fcomb extends Module {
  private readonly layers: Conv2d[];
  private readonly last: Conv2d;

  constructor(featureChannels: number, latent: number, layers = 3, opts: LayerOptions = {}) {
    super();
    const list = this.child('layers', new ConvList());
    this.layers = Array.from({ length: layers }, (_, k) => list.add(String(k), new Conv2d(k === 0 ? featureChannels + latent : featureChannels, featureChannels, 1, opts)));
    this.last = this.child('last', new Conv2d(featureChannels, 1, 1, opts));
  }

  /** features [B, F, H, W], z [B, L] → logits [B, 1, H, W] */
  forward(features: Tensor, z: Tensor): Tensor {
    const [b, , h, w] = features.shape as [number, number, number, number];
    const tiled = z.reshape([b, z.shape[1] as number, 1, 1]).expand([b, z.shape[1] as number, h, w]); // [B, L, H, W]
    let x = cat([features, tiled], 1);
    tiled.dispose();
    for (const conv of this.layers) {
      const pre = conv.forward(x);
      x.dispose();
      x = pre.relu();
      pre.dispose();
    }
    const logits = this.last.forward(x);
    x.dispose();
    return logits;
  }
}

class ConvList extends Module {
  add(name: string, conv: Conv2d): Conv2d {
    return this.child(name, conv);
  }
}
