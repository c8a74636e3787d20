import { native, type NativeGenerator } from './native.js';
import { Tensor } from './tensor.js';
import { dtypeOfArray, type AnyTypedArray, type DType, type Device } from './dtype.js';

export interface CreateOptions {
  dtype?: DType;
  device?: Device;
}

/** Copies `data` into a new tensor of `shape` (dtype defaults to the array's own). */
export function tensor(data: AnyTypedArray | number[], shape?: number[], opts: CreateOptions = {}): Tensor {
  const array = Array.isArray(data) ? Float32Array.from(data) : data;
  const dtype = opts.dtype ?? dtypeOfArray(array);
  return new Tensor(native.fromArray(array, shape ?? [array.length], dtype, opts.device ?? 'cpu'));
}

export function scalar(value: number, opts: CreateOptions = {}): Tensor {
  return full([], value, opts);
}

export function zeros(shape: number[], opts: CreateOptions = {}): Tensor {
  return new Tensor(native.zeros(shape, opts.dtype ?? 'float32', opts.device ?? 'cpu'));
}
export function ones(shape: number[], opts: CreateOptions = {}): Tensor {
  return new Tensor(native.ones(shape, opts.dtype ?? 'float32', opts.device ?? 'cpu'));
}
export function full(shape: number[], value: number, opts: CreateOptions = {}): Tensor {
  return new Tensor(native.full(shape, value, opts.dtype ?? 'float32', opts.device ?? 'cpu'));
}
export function arange(start: number, end: number, step = 1, opts: CreateOptions = {}): Tensor {
  return new Tensor(native.arange(start, end, step, opts.dtype ?? 'int64', opts.device ?? 'cpu'));
}
export function eye(n: number, opts: CreateOptions = {}): Tensor {
  return new Tensor(native.eye(n, opts.dtype ?? 'float32', opts.device ?? 'cpu'));
}
export function zerosLike(t: Tensor): Tensor {
  return new Tensor(native.zerosLike(t.native));
}
export function onesLike(t: Tensor): Tensor {
  return new Tensor(native.onesLike(t.native));
}

export function cat(ts: Tensor[], dim: number): Tensor {
  return new Tensor(
    native.cat(
      ts.map((t) => t.native),
      dim,
    ),
  );
}
export function stack(ts: Tensor[], dim: number): Tensor {
  return new Tensor(
    native.stack(
      ts.map((t) => t.native),
      dim,
    ),
  );
}
export function where(cond: Tensor, a: Tensor | number, b: Tensor | number): Tensor {
  const x = typeof a === 'number' ? a : a.native;
  const y = typeof b === 'number' ? b : b.native;
  return new Tensor(native.where(cond.native, x, y));
}

/** A seedable random generator, independent of the global one. */
export class Generator {
  readonly native: NativeGenerator;
  constructor(seed: number) {
    this.native = new native.NativeGenerator(seed);
  }
  getState(): Tensor {
    return new Tensor(this.native.getState());
  }
  setState(state: Tensor): void {
    this.native.setState(state.native);
  }
}

export interface RandomOptions {
  dtype?: 'float32' | 'float64';
  generator?: Generator;
}

export function randn(shape: number[], opts: RandomOptions = {}): Tensor {
  return new Tensor(native.randn(shape, opts.dtype ?? 'float32', opts.generator?.native ?? null));
}
export function rand(shape: number[], opts: RandomOptions = {}): Tensor {
  return new Tensor(native.rand(shape, opts.dtype ?? 'float32', opts.generator?.native ?? null));
}
export function randint(low: number, high: number, shape: number[], generator?: Generator): Tensor {
  return new Tensor(native.randint(low, high, shape, generator?.native ?? null));
}
export function multinomial(probs: Tensor, n: number, replacement: boolean, generator?: Generator): Tensor {
  return new Tensor(native.multinomial(probs.native, n, replacement, generator?.native ?? null));
}
