import { conv2d, linear } from '../tensor/functional.js';
import { zeros } from '../tensor/create.js';
import { scope } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import type { DType } from '../tensor/dtype.js';
import { Module } from './module.js';
import { heNormal, smallNormal, uniformFanIn } from './init.js';
import { onnxInitializer, type OnnxEmitter } from './onnx.js';

export interface LayerOptions {
  dtype?: DType;
}

/** k×k convolution, stride 1, "same" padding; He-normal weights, N(0, 1e-3) biases. */
export class Conv2d extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor;
  private readonly padding: number;
  private readonly kernel: number;
  constructor(inChannels: number, outChannels: number, kernel: number, opts: LayerOptions = {}) {
    super();
    this.weight = this.param('weight', heNormal([outChannels, inChannels, kernel, kernel], opts.dtype));
    this.bias = this.param('bias', smallNormal([outChannels], 1e-3, opts.dtype));
    this.padding = (kernel - 1) / 2;
    this.kernel = kernel;
  }
  /** [B, Cin, H, W] → [B, Cout, H, W] */
  forward(x: Tensor): Tensor {
    return conv2d(x, this.weight, this.bias, { padding: this.padding });
  }
  /**
   * A 1×1 conv on channels-last pixels: [..., Cin] → [..., Cout], with input channels
   * [from, to) of the weight only (bias added when `withBias`). One GEMM over all pixels (fcomb's
   * sampling and its W_z·z; fcomb's training form runs NCHW convolutions instead, models/fcomb.ts).
   */
  pointwise(x: Tensor, channels: [number, number] = [0, this.weight.shape[1] as number], withBias = true): Tensor {
    if (this.kernel !== 1) throw new Error('Conv2d.pointwise: only for 1×1 convolutions');
    const w = this.weight.flatten(1).slice(1, channels[0], channels[1]); // [Cout, to − from]
    return linear(x, w, withBias ? this.bias : null);
  }
  /** ONNX twin of pointwise (MatMul on channels-last values, then the bias). */
  pointwiseOnnx(g: OnnxEmitter, x: string, prefix: string, channels: [number, number] = [0, this.weight.shape[1] as number], withBias = true): string {
    const [from, to] = channels;
    const wt = scope(() => this.weight.flatten(1).slice(1, from, to).transpose(0, 1).toFloat32Array()); // [to − from, Cout]
    const y = g.op('MatMul', [x, g.floats(`${prefix}weight.T.${from}_${to}`, wt, [to - from, this.weight.shape[0] as number])]);
    return withBias ? g.op('Add', [y, onnxInitializer(g, `${prefix}bias`, this.bias)]) : y;
  }
  /** ONNX twin of forward: x [B, Cin, H, W] → [B, Cout, H, W]; initializers `{prefix}weight|bias`. */
  onnx(g: OnnxEmitter, x: string, prefix: string): string {
    const p = this.padding;
    return g.op('Conv', [x, onnxInitializer(g, `${prefix}weight`, this.weight), onnxInitializer(g, `${prefix}bias`, this.bias)], {
      kernel_shape: [this.kernel, this.kernel],
      pads: [p, p, p, p],
      strides: [1, 1],
    });
  }
}

/** Fully connected layer with PyTorch's default init (or zeros, for identity-start flows). */
export class Linear extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor;
  constructor(inFeatures: number, outFeatures: number, opts: LayerOptions & { zeroInit?: boolean } = {}) {
    super();
    const dtype = opts.dtype ?? 'float32';
    this.weight = this.param(
      'weight',
      opts.zeroInit ? zeros([outFeatures, inFeatures], { dtype }) : uniformFanIn([outFeatures, inFeatures], inFeatures, dtype),
    );
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
