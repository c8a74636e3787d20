import { randn, rand } from '../tensor/create.js';
import { scope } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import type { DType } from '../tensor/dtype.js';

/** He-normal (kaiming_normal_, fan_in, ReLU gain √2): Kohl's conv init. */
export function heNormal(shape: number[], dtype: DType = 'float32'): Tensor {
  const fanIn = shape.slice(1).reduce((a, b) => a * b, 1);
  return scope(() => randn(shape, { dtype: dtype as 'float32' | 'float64' }).mul(Math.sqrt(2 / fanIn)));
}

/** Small normal biases (Knegt: N(0, 1e-3)). */
export function smallNormal(shape: number[], std = 1e-3, dtype: DType = 'float32'): Tensor {
  return scope(() => randn(shape, { dtype: dtype as 'float32' | 'float64' }).mul(std));
}

/** PyTorch's default nn.Linear init: U(−1/√fan_in, 1/√fan_in) for weight and bias. */
export function uniformFanIn(shape: number[], fanIn: number, dtype: DType = 'float32'): Tensor {
  const bound = 1 / Math.sqrt(fanIn);
  return scope(() =>
    rand(shape, { dtype: dtype as 'float32' | 'float64' })
      .mul(2 * bound)
      .sub(bound),
  );
}
