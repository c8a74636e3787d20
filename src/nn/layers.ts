import { conv2d, linear } from '../tensor/functional.js';
import { zeros } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import type { DType } from '../tensor/dtype.js';
import { Module } from './module.js';
import { heNormal, smallNormal, uniformFanIn } from './init.js';

export interface LayerOptions {
  dtype?: DType;
}

/** k×k convolution, stride 1, "same" padding; He-normal weights, N(0, 1e-3) biases. */
export class Conv2d extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor;
  private readonly padding: number;
  constructor(inChannels: number, outChannels: number, kernel: number, opts: LayerOptions = {}) {
    super();
    this.weight = this.param('weight', heNormal([outChannels, inChannels, kernel, kernel], opts.dtype));
    this.bias = this.param('bias', smallNormal([outChannels], 1e-3, opts.dtype));
    this.padding = (kernel - 1) / 2;
  }
  /** [B, Cin, H, W] → [B, Cout, H, W] */
  forward(x: Tensor): Tensor {
    return conv2d(x, this.weight, this.bias, { padding: this.padding });
  }
}

/** Fully connected layer with PyTorch's default init (or zeros, for identity-start flows). */
export class Linear extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor;
  constructor(inFeatures: number, outFeatures: number, opts: LayerOptions & { zeroInit?: boolean } = {}) {
    super();
    const dtype = opts.dtype ?? 'float32';
    this.weight = this.param('weight', opts.zeroInit ? zeros([outFeatures, inFeatures], { dtype }) : uniformFanIn([outFeatures, inFeatures], inFeatures, dtype));
    this.bias = this.param('bias', opts.zeroInit ? zeros([outFeatures], { dtype }) : uniformFanIn([outFeatures], inFeatures, dtype));
  }
  /** [..., in] → [..., out] */
  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }
}

/** Linear → ReLU → Linear → ReLU → Linear (the conditioning nets of cFlow, 8 hidden units). */
export class Mlp extends Module {
  private readonly layers: Linear[];
  constructor(inFeatures: number, outFeatures: number, hidden = 8, opts: LayerOptions & { zeroLast?: boolean } = {}) {
    super();
    this.layers = [
      this.child('0', new Linear(inFeatures, hidden, opts)),
      this.child('1', new Linear(hidden, hidden, opts)),
      this.child('2', new Linear(hidden, outFeatures, { dtype: opts.dtype, zeroInit: opts.zeroLast })),
    ];
  }
  forward(x: Tensor): Tensor {
    const [a, b, c] = this.layers as [Linear, Linear, Linear];
    return c.forward(b.forward(a.forward(x).relu()).relu());
  }
}
