import { native, type NativeTensor } from './native.js';
import { track, type Disposable } from './scope.js';
import type { AnyTypedArray, DType, Device } from './dtype.js';

type TN = Tensor | number;
const h = (x: TN): NativeTensor | number => (typeof x === 'number' ? x : x.native);

/**
 * A libtorch tensor seen from TypeScript. Ops return new tensors registered in the current
 * `scope()`; autograd is libtorch's (`requiresGrad`, `backward()`, `grad`).
 */
export class Tensor implements Disposable {
  readonly native: NativeTensor;
  kept = false;
  private cachedShape: number[] | undefined;

  constructor(handle: NativeTensor) {
    this.native = handle;
    track(this);
  }

  get shape(): number[] {
    this.cachedShape ??= this.native.shape();
    return this.cachedShape;
  }
  get rank(): number {
    return this.shape.length;
  }
  get size(): number {
    return this.native.numel();
  }
  get dtype(): DType {
    return this.native.dtype() as DType;
  }
  get device(): Device {
    return this.native.device() as Device;
  }
  get isDisposed(): boolean {
    return this.native.disposed();
  }
  dispose(): void {
    this.native.dispose();
  }
  /** Exempts this tensor from scope disposal (method form of `keep(t)`). */
  keepAlive(): this {
    this.kept = true;
    return this;
  }

  // ---- autograd
  get requiresGrad(): boolean {
    return this.native.requiresGrad();
  }
  setRequiresGrad(on = true): this {
    this.native.setRequiresGrad(on);
    return this;
  }
  /** The accumulated gradient (a new handle each call), or null before any backward. */
  get grad(): Tensor | null {
    const g = this.native.grad();
    return g === null ? null : new Tensor(g);
  }
  zeroGrad(): void {
    this.native.zeroGrad();
  }
  backward(gradient?: Tensor): void {
    this.native.backward(gradient?.native ?? null);
  }
  detach(): Tensor {
    return new Tensor(native.detach(this.native));
  }

  // ---- values
  /** Copies the values out (float32 → Float32Array, int64 → BigInt64Array, bool → Uint8Array …). */
  toArray(): AnyTypedArray {
    return this.native.data();
  }
  toFloat32Array(): Float32Array {
    const d = this.native.data();
    return d instanceof Float32Array ? d : Float32Array.from(d as ArrayLike<number>);
  }
  toFloat64Array(): Float64Array {
    const d = this.native.data();
    if (d instanceof Float64Array) return d;
    if (d instanceof BigInt64Array) return Float64Array.from(d, (v) => Number(v));
    return Float64Array.from(d);
  }
  item(): number {
    return this.native.item();
  }
  /** In-place copy of `src`'s values (no autograd record); used to load weights. */
  copyFrom(src: Tensor): void {
    this.native.copyFrom(src.native);
  }
  to(dtype: DType): Tensor {
    return new Tensor(native.toDtype(this.native, dtype));
  }
  toDevice(device: Device): Tensor {
    return new Tensor(native.toDevice(this.native, device));
  }
  clone(): Tensor {
    return new Tensor(native.clone(this.native));
  }
  contiguous(): Tensor {
    return new Tensor(native.contiguous(this.native));
  }

  // ---- elementwise
  add(o: TN): Tensor {
    return new Tensor(native.add(this.native, h(o)));
  }
  sub(o: TN): Tensor {
    return new Tensor(native.sub(this.native, h(o)));
  }
  mul(o: TN): Tensor {
    return new Tensor(native.mul(this.native, h(o)));
  }
  div(o: TN): Tensor {
    return new Tensor(native.div(this.native, h(o)));
  }
  pow(o: TN): Tensor {
    return new Tensor(native.pow(this.native, h(o)));
  }
  eq(o: TN): Tensor {
    return new Tensor(native.eq(this.native, h(o)));
  }
  ne(o: TN): Tensor {
    return new Tensor(native.ne(this.native, h(o)));
  }
  lt(o: TN): Tensor {
    return new Tensor(native.lt(this.native, h(o)));
  }
  le(o: TN): Tensor {
    return new Tensor(native.le(this.native, h(o)));
  }
  gt(o: TN): Tensor {
    return new Tensor(native.gt(this.native, h(o)));
  }
  ge(o: TN): Tensor {
    return new Tensor(native.ge(this.native, h(o)));
  }
  maximum(o: Tensor): Tensor {
    return new Tensor(native.maximum(this.native, o.native));
  }
  minimum(o: Tensor): Tensor {
    return new Tensor(native.minimum(this.native, o.native));
  }
  neg(): Tensor {
    return new Tensor(native.neg(this.native));
  }
  exp(): Tensor {
    return new Tensor(native.exp(this.native));
  }
  log(): Tensor {
    return new Tensor(native.log(this.native));
  }
  log1p(): Tensor {
    return new Tensor(native.log1p(this.native));
  }
  sqrt(): Tensor {
    return new Tensor(native.sqrt(this.native));
  }
  abs(): Tensor {
    return new Tensor(native.abs(this.native));
  }
  square(): Tensor {
    return new Tensor(native.square(this.native));
  }
  reciprocal(): Tensor {
    return new Tensor(native.reciprocal(this.native));
  }
  relu(): Tensor {
    return new Tensor(native.relu(this.native));
  }
  sigmoid(): Tensor {
    return new Tensor(native.sigmoid(this.native));
  }
  tanh(): Tensor {
    return new Tensor(native.tanh(this.native));
  }
  logSigmoid(): Tensor {
    return new Tensor(native.logSigmoid(this.native));
  }
  softplus(beta = 1, threshold = 20): Tensor {
    return new Tensor(native.softplus(this.native, beta, threshold));
  }
  sign(): Tensor {
    return new Tensor(native.sign(this.native));
  }
  floor(): Tensor {
    return new Tensor(native.floor(this.native));
  }
  logicalNot(): Tensor {
    return new Tensor(native.logicalNot(this.native));
  }
  isFinite(): Tensor {
    return new Tensor(native.isFinite(this.native));
  }
  clamp(min: number | null, max: number | null = null): Tensor {
    return new Tensor(native.clamp(this.native, min, max));
  }

  // ---- reductions (dims undefined = all)
  sum(dims?: number[], keepdim = false): Tensor {
    return new Tensor(native.sum(this.native, dims ?? null, keepdim));
  }
  mean(dims?: number[], keepdim = false): Tensor {
    return new Tensor(native.mean(this.native, dims ?? null, keepdim));
  }
  logsumexp(dims: number[], keepdim = false): Tensor {
    return new Tensor(native.logsumexp(this.native, dims, keepdim));
  }
  max(dim?: number, keepdim = false): Tensor {
    return new Tensor(native.max(this.native, dim ?? null, keepdim));
  }
  min(dim?: number, keepdim = false): Tensor {
    return new Tensor(native.min(this.native, dim ?? null, keepdim));
  }
  argmax(dim: number, keepdim = false): Tensor {
    return new Tensor(native.argmax(this.native, dim, keepdim));
  }
  matmul(o: Tensor): Tensor {
    return new Tensor(native.matmul(this.native, o.native));
  }

  // ---- shape
  reshape(shape: number[]): Tensor {
    return new Tensor(native.reshape(this.native, shape));
  }
  permute(dims: number[]): Tensor {
    return new Tensor(native.permute(this.native, dims));
  }
  expand(shape: number[]): Tensor {
    return new Tensor(native.expand(this.native, shape));
  }
  repeat(counts: number[]): Tensor {
    return new Tensor(native.repeat(this.native, counts));
  }
  transpose(d0: number, d1: number): Tensor {
    return new Tensor(native.transpose(this.native, d0, d1));
  }
  squeeze(dim: number): Tensor {
    return new Tensor(native.squeeze(this.native, dim));
  }
  unsqueeze(dim: number): Tensor {
    return new Tensor(native.unsqueeze(this.native, dim));
  }
  flatten(start = 0, end = -1): Tensor {
    return new Tensor(native.flatten(this.native, start, end));
  }
  /** Python's `t[..., start:end:step, ...]` along `dim`. */
  slice(dim: number, start: number, end: number, step = 1): Tensor {
    return new Tensor(native.slice(this.native, dim, start, end, step));
  }
  indexSelect(dim: number, index: Tensor): Tensor {
    return new Tensor(native.indexSelect(this.native, dim, index.native));
  }
  split(sizes: number[], dim: number): Tensor[] {
    return native.split(this.native, sizes, dim).map((t) => new Tensor(t));
  }
}
