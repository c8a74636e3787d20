// The addon's own resampling kernels (native/src/upsample_bilinear.cc, avg_pool2x2.cc) against
// libtorch's (the same native calls with kernel 'libtorch'), values and gradients, and the
// bilinear backward against finite differences.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { manualSeed, randn, scope, Tensor } from './index.js';
import { native, type KernelChoice } from './native.js';

const upsample = (x: Tensor, size: [number, number], alignCorners: boolean, kernel: KernelChoice): Tensor =>
  new Tensor(native.interpolateBilinear(x.native, size, alignCorners, kernel));
const pool = (x: Tensor, kernel: KernelChoice, size = 2, stride = 2, padding = 0): Tensor =>
  new Tensor(native.avgPool2d(x.native, [size, size], [stride, stride], [padding, padding], kernel));

/** Output and input gradient of `f` at x for the upstream gradient g. */
function valueAndGrad(f: (x: Tensor) => Tensor, x: Tensor, g: Tensor): [Float64Array, Float64Array] {
  return scope(() => {
    const leaf = x.detach().setRequiresGrad(true);
    const y = f(leaf);
    y.backward(g);
    return [y.toFloat64Array(), (leaf.grad as Tensor).toFloat64Array()];
  });
}

const maxAbs = (a: Float64Array): number => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
const maxDiff = (a: Float64Array, b: Float64Array): number => {
  assert.equal(a.length, b.length);
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - (b[i] as number))), 0);
};

// [N, C, h, w] → [H, W]: the U-Net's three upsamplings, odd sizes, downsampling, a single row/column,
// equal sizes, both corner modes.
const BILINEAR_CASES: [number[], [number, number], boolean][] = [
  [[2, 8, 16, 16], [32, 32], true],
  [[2, 4, 32, 32], [64, 64], true],
  [[1, 3, 64, 64], [128, 128], true],
  [[2, 3, 5, 7], [13, 4], true],
  [[2, 3, 5, 7], [13, 4], false],
  [[1, 2, 9, 6], [4, 3], false],
  [[1, 2, 1, 5], [5, 1], true],
  [[1, 1, 6, 6], [6, 6], true],
];

test('separable bilinear resampling equals libtorch (float32 to 2e-6 relative, float64 to 1e-12), values and input gradients', () => {
  manualSeed(11);
  for (const [shape, size, alignCorners] of BILINEAR_CASES)
    for (const dtype of ['float32', 'float64'] as const)
      scope(() => {
        const x = randn(shape, { dtype });
        const g = randn([shape[0] as number, shape[1] as number, ...size], { dtype });
        const [ours, ourGrad] = valueAndGrad((t) => upsample(t, size, alignCorners, 'addon'), x, g);
        const [ref, refGrad] = valueAndGrad((t) => upsample(t, size, alignCorners, 'libtorch'), x, g);
        const tol = dtype === 'float32' ? 2e-6 : 1e-12;
        const what = `${shape.join('×')} → ${size.join('×')} alignCorners=${alignCorners} ${dtype}`;
        assert.ok(maxDiff(ours, ref) <= tol * (1 + maxAbs(ref)), `${what}: values differ by ${maxDiff(ours, ref)}`);
        assert.ok(maxDiff(ourGrad, refGrad) <= tol * (1 + maxAbs(refGrad)), `${what}: gradients differ by ${maxDiff(ourGrad, refGrad)}`);
      });
});

test('separable bilinear backward equals central finite differences of its forward (float64)', () => {
  manualSeed(12);
  for (const alignCorners of [true, false])
    scope(() => {
      const x = randn([1, 2, 3, 4], { dtype: 'float64' });
      const g = randn([1, 2, 7, 5], { dtype: 'float64' });
      const loss = (t: Tensor): number => scope(() => upsample(t, [7, 5], alignCorners, 'addon').mul(g).sum().item());
      const [, grad] = valueAndGrad((t) => upsample(t, [7, 5], alignCorners, 'addon'), x, g);
      const values = x.toFloat64Array();
      const h = 1e-6;
      for (let i = 0; i < values.length; i++) {
        const at = (delta: number): number => {
          const v = Float64Array.from(values);
          v[i] = (v[i] as number) + delta;
          return loss(new Tensor(native.fromArray(v, [1, 2, 3, 4], 'float64', 'cpu')));
        };
        const numeric = (at(h) - at(-h)) / (2 * h);
        assert.ok(Math.abs(numeric - (grad[i] as number)) < 1e-7, `alignCorners=${alignCorners} x[${i}]: ${grad[i]} vs finite difference ${numeric}`);
      }
    });
});

test('a non-contiguous input (a transposed view) resamples as its contiguous copy does', () => {
  manualSeed(13);
  scope(() => {
    const x = randn([2, 3, 6, 5]).transpose(2, 3); // [2, 3, 5, 6], strided
    const a = upsample(x, [9, 11], true, 'addon').toFloat64Array();
    const b = upsample(x.contiguous(), [9, 11], true, 'addon').toFloat64Array();
    assert.equal(maxDiff(a, b), 0);
  });
});

test('2×2 average pooling equals libtorch bit for bit, values and gradients, even and odd sizes, float32 and float64', () => {
  manualSeed(14);
  for (const shape of [
    [8, 32, 128, 128],
    [2, 3, 7, 5],
    [1, 1, 2, 3],
    [2, 4, 9, 9],
  ])
    for (const dtype of ['float32', 'float64'] as const)
      scope(() => {
        const x = randn(shape, { dtype });
        const g = randn([shape[0] as number, shape[1] as number, (shape[2] as number) >> 1, (shape[3] as number) >> 1], { dtype });
        const [ours, ourGrad] = valueAndGrad((t) => pool(t, 'addon'), x, g);
        const [ref, refGrad] = valueAndGrad((t) => pool(t, 'libtorch'), x, g);
        assert.equal(maxDiff(ours, ref), 0, `${shape.join('×')} ${dtype}: values`);
        assert.equal(maxDiff(ourGrad, refGrad), 0, `${shape.join('×')} ${dtype}: gradients`);
      });
});

test('pooling the fast kernel does not cover (3×3, stride 1, padding 1) still runs libtorch, and bad kernel names are refused', () => {
  manualSeed(15);
  scope(() => {
    const x = randn([1, 2, 6, 6]);
    assert.deepEqual(pool(x, 'addon', 3, 1, 1).shape, [1, 2, 6, 6]);
    assert.equal(maxDiff(pool(x, 'addon', 3, 1, 1).toFloat64Array(), pool(x, 'libtorch', 3, 1, 1).toFloat64Array()), 0);
    assert.throws(() => native.avgPool2d(x.native, [2, 2], [2, 2], [0, 0], 'quick' as KernelChoice), /avgPool2d kernel choice must be 'addon' or 'libtorch'/);
    assert.throws(
      () => native.interpolateBilinear(x.native, [4, 4], true, 'cubic' as KernelChoice),
      /interpolateBilinear kernel choice must be 'addon' or 'libtorch'/,
    );
  });
});
