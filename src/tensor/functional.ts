import { native } from './native.js';
import { Tensor } from './tensor.js';

const pair = (v: number | [number, number]): [number, number] => (typeof v === 'number' ? [v, v] : v);

export interface Conv2dOptions {
  stride?: number | [number, number];
  padding?: number | [number, number];
  dilation?: number | [number, number];
  groups?: number;
}

/** x [B, Cin, H, W], w [Cout, Cin/groups, kh, kw], b [Cout] → [B, Cout, H', W'] */
export function conv2d(x: Tensor, w: Tensor, b: Tensor | null, o: Conv2dOptions = {}): Tensor {
  return new Tensor(native.conv2d(x.native, w.native, b?.native ?? null, pair(o.stride ?? 1), pair(o.padding ?? 0), pair(o.dilation ?? 1), o.groups ?? 1));
}

/** x [B, C, H, W] → [B, C, H/k, W/k] (stride defaults to the kernel). */
export function avgPool2d(x: Tensor, kernel: number | [number, number], stride?: number | [number, number], padding: number | [number, number] = 0): Tensor {
  return new Tensor(native.avgPool2d(x.native, pair(kernel), pair(stride ?? kernel), pair(padding)));
}

/** x [B, C, H, W] → [B, C, size[0], size[1]] */
export function interpolateBilinear(x: Tensor, size: [number, number], alignCorners: boolean): Tensor {
  return new Tensor(native.interpolateBilinear(x.native, size, alignCorners));
}

/**
 * Inference only (fused, no autograd): for every image b, sample s and chunk of `chunk` pixels,
 * x = relu(shared[b, chunk] + perSample[b, s]) then x·Wₖᵀ + bₖ per layer, ReLU after all but the
 * last. shared [B, P, F], perSample [B, n, F], weights [Cout, Cin] each → [B, n, P, Cout_last].
 */
export function samplePointwiseMlp(shared: Tensor, perSample: Tensor, weights: Tensor[], biases: Tensor[], chunk: number): Tensor {
  return new Tensor(
    native.samplePointwiseMlp(
      shared.native,
      perSample.native,
      weights.map((w) => w.native),
      biases.map((b) => b.native),
      chunk,
    ),
  );
}

/** Which loops samplePointwiseMlp runs on float32 CPU tensors: 'avx2' (AVX2+FMA), or 'portable' (other CPUs, or FLOWSEG_NATIVE_PORTABLE=1). */
export function pointwiseMlpKernel(): 'avx2' | 'portable' {
  return native.pointwiseMlpKernel() === 'avx2' ? 'avx2' : 'portable';
}

/** x [..., in], w [out, in], b [out] → [..., out] */
export function linear(x: Tensor, w: Tensor, b: Tensor | null): Tensor {
  return new Tensor(native.linear(x.native, w.native, b?.native ?? null));
}

export type Reduction = 'none' | 'sum' | 'mean';

export function bceWithLogits(logits: Tensor, target: Tensor, reduction: Reduction = 'mean', weight?: Tensor, posWeight?: Tensor): Tensor {
  return new Tensor(native.bceWithLogits(logits.native, target.native, reduction, weight?.native ?? null, posWeight?.native ?? null));
}

export function softmax(x: Tensor, dim: number): Tensor {
  return new Tensor(native.softmax(x.native, dim));
}
export function logSoftmax(x: Tensor, dim: number): Tensor {
  return new Tensor(native.logSoftmax(x.native, dim));
}

/** Returns [sign, log|det|] of square matrices [..., n, n]. */
export function slogdet(x: Tensor): [Tensor, Tensor] {
  const [s, l] = native.slogdet(x.native);
  return [new Tensor(s), new Tensor(l)];
}
export function inverse(x: Tensor): Tensor {
  return new Tensor(native.inverse(x.native));
}
