import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { packageRoot } from '../util/paths.js';
import { setTempObserver } from '../util/temps.js';

/** The opaque tensor handle owned by the addon. */
export interface NativeTensor {
  shape(): number[];
  dtype(): string;
  device(): string;
  disposed(): boolean;
  dispose(): void;
  requiresGrad(): boolean;
  setRequiresGrad(on: boolean): void;
  grad(): NativeTensor | null;
  zeroGrad(): void;
  backward(gradient?: NativeTensor | null): void;
  data(): Float32Array | Float64Array | BigInt64Array | Int32Array | Uint8Array;
  item(): number;
  numel(): number;
  copyFrom(src: NativeTensor): void;
}

export interface NativeOptimizer {
  step(): void;
  zeroGrad(): void;
  setLr(lr: number): void;
  stepCount(): number;
  stateTensors(): NativeTensor[];
  loadState(step: number, tensors: NativeTensor[]): void;
}

export type NativeGenerator = { getState(): NativeTensor; setState(state: NativeTensor): void };

/** An in-flight c10d collective (src/distributed). */
export interface NativeWork {
  wait(): void;
  isCompleted(): boolean;
}
/** A c10d process group: TCPStore rendezvous + Gloo/NCCL (native/src/distributed.cc). */
export interface NativeProcessGroup {
  rank(): number;
  size(): number;
  backend(): string;
  allreduce(tensors: NativeTensor[], op: 'sum' | 'avg'): void;
  allreduceAsync(tensor: NativeTensor, op: 'sum' | 'avg'): NativeWork;
  broadcast(tensors: NativeTensor[], root: number): void;
  barrier(): void;
  shutdown(): void;
}
/** Bucketed gradient all-reduce (native/src/distributed_reducer.cc). */
export interface NativeGradReducer {
  begin(weight: number): void;
  finish(): number;
  reduce(weight: number): number;
  bucketSizes(): number[];
}
type T = NativeTensor;
type TN = NativeTensor | number;

/** Large CPU blocks (≥ 256 KiB) of libtorch's tensors, cut from mmap-ed segments that are kept and reused. */
export interface CpuAllocatorStats {
  /** false when FLOWSEG_CPU_CACHE=off kept libtorch's default allocator. */
  caching: boolean;
  liveBytes: number;
  /** Free bytes of the segments, kept for reuse (segments are kept up to twice the peak of live bytes, or 256 MiB). */
  cachedBytes: number;
  peakLiveBytes: number;
  /** Segments taken from the OS (their pages are faulted in on first use). */
  mappedSegments: number;
  /** Requests served from a free block of a segment. */
  reusedBlocks: number;
  /** Segments given back to the OS. */
  releasedSegments: number;
}

/** One op name in a profile: PyTorch's key_averages() columns. */
export interface OpProfile {
  /** e.g. `aten::convolution`, `autograd::engine::evaluate_function: ConvolutionBackward0`. */
  name: string;
  calls: number;
  /** CPU time inside the op but outside the ops it called, µs (summed over calls). */
  selfUs: number;
  totalUs: number;
  /** Bytes allocated minus freed inside the op itself (0 unless profiling memory). */
  selfBytes: number;
}

/** Every function the addon exports (see native/src/*.cc). */
/** Ops where the addon has a kernel of its own: 'addon' (the default) or libtorch's op. */
export type KernelChoice = 'addon' | 'libtorch';

export interface NativeBinding {
  NativeOptimizer: new (kind: string, params: T[], options: Record<string, number | number[]>) => NativeOptimizer;
  NativeGenerator: new (seed: number) => NativeGenerator;
  NativeProcessGroup: new (backend: string, masterAddr: string, masterPort: number, rank: number, worldSize: number, timeoutMs: number) => NativeProcessGroup;
  NativeGradReducer: new (group: NativeProcessGroup, params: T[], capBytes: number) => NativeGradReducer;
  /** Whether the addon was compiled with Gloo (CPU) / NCCL (CUDA) process groups. */
  glooBuilt: boolean;
  ncclBuilt: boolean;
  fromArray(data: ArrayBufferView, shape: number[], dtype: string, device: string): T;
  zeros(shape: number[], dtype: string, device: string): T;
  ones(shape: number[], dtype: string, device: string): T;
  full(shape: number[], value: number, dtype: string, device: string): T;
  arange(start: number, end: number, step: number, dtype: string, device: string): T;
  eye(n: number, dtype: string, device: string): T;
  zerosLike(t: T): T;
  onesLike(t: T): T;
  toDtype(t: T, dtype: string): T;
  toDevice(t: T, device: string): T;
  detach(t: T): T;
  clone(t: T): T;
  contiguous(t: T): T;
  add(a: T, b: TN): T;
  sub(a: T, b: TN): T;
  mul(a: T, b: TN): T;
  div(a: T, b: TN): T;
  pow(a: T, b: TN): T;
  eq(a: T, b: TN): T;
  ne(a: T, b: TN): T;
  lt(a: T, b: TN): T;
  le(a: T, b: TN): T;
  gt(a: T, b: TN): T;
  ge(a: T, b: TN): T;
  maximum(a: T, b: T): T;
  minimum(a: T, b: T): T;
  neg(a: T): T;
  exp(a: T): T;
  log(a: T): T;
  log1p(a: T): T;
  sqrt(a: T): T;
  abs(a: T): T;
  square(a: T): T;
  reciprocal(a: T): T;
  relu(a: T): T;
  sigmoid(a: T): T;
  tanh(a: T): T;
  logSigmoid(a: T): T;
  sign(a: T): T;
  floor(a: T): T;
  logicalNot(a: T): T;
  isFinite(a: T): T;
  softplus(a: T, beta: number, threshold: number): T;
  clamp(a: T, min: number | null, max: number | null): T;
  where(cond: T, a: TN, b: TN): T;
  sum(a: T, dims: number[] | null, keepdim: boolean): T;
  mean(a: T, dims: number[] | null, keepdim: boolean): T;
  logsumexp(a: T, dims: number[], keepdim: boolean): T;
  max(a: T, dim: number | null, keepdim: boolean): T;
  min(a: T, dim: number | null, keepdim: boolean): T;
  argmax(a: T, dim: number, keepdim: boolean): T;
  matmul(a: T, b: T): T;
  slogdet(a: T): [T, T];
  inverse(a: T): T;
  reshape(a: T, shape: number[]): T;
  permute(a: T, dims: number[]): T;
  expand(a: T, shape: number[]): T;
  repeat(a: T, counts: number[]): T;
  transpose(a: T, d0: number, d1: number): T;
  squeeze(a: T, dim: number): T;
  unsqueeze(a: T, dim: number): T;
  flatten(a: T, start: number, end: number): T;
  slice(a: T, dim: number, start: number, end: number, step: number): T;
  indexSelect(a: T, dim: number, index: T): T;
  cat(ts: T[], dim: number): T;
  stack(ts: T[], dim: number): T;
  split(a: T, sizes: number[], dim: number): T[];
  conv2d(x: T, w: T, b: T | null, stride: number[], padding: number[], dilation: number[], groups: number): T;
  /** 2×2 stride-2 pooling of CPU float tensors runs the addon's kernel unless `choice` is 'libtorch' (tests compare them). */
  avgPool2d(x: T, kernel: number[], stride: number[], padding: number[], choice?: KernelChoice): T;
  /** CPU float tensors run the addon's separable kernel unless `kernel` is 'libtorch' (tests compare them). */
  interpolateBilinear(x: T, size: number[], alignCorners: boolean, choice?: KernelChoice): T;
  linear(x: T, w: T, b: T | null): T;
  samplePointwiseMlp(shared: T, perSample: T, weights: T[], biases: T[], chunk: number): T;
  pointwiseMlpKernel(): string;
  bceWithLogits(logits: T, target: T, reduction: string, weight: T | null, posWeight: T | null): T;
  softmax(a: T, dim: number): T;
  logSoftmax(a: T, dim: number): T;
  randn(shape: number[], dtype: string, gen: NativeGenerator | null): T;
  rand(shape: number[], dtype: string, gen: NativeGenerator | null): T;
  randint(low: number, high: number, shape: number[], gen: NativeGenerator | null): T;
  multinomial(probs: T, n: number, replacement: boolean, gen: NativeGenerator | null): T;
  manualSeed(seed: number): void;
  getRngState(): T;
  setRngState(state: T): void;
  liveTensors(): number;
  mallocTrim(): boolean;
  /** The caching allocator of large CPU blocks (native/src/cpu_allocator.cc). */
  cpuAllocatorStats(): CpuAllocatorStats;
  /** Unmaps the wholly free segments; returns the bytes given back. */
  emptyCpuCache(): number;
  /** Starts libtorch's (legacy CPU) autograd profiler on this thread (native/src/profiler.cc). */
  profilerStart(profileMemory: boolean, shapes?: boolean): void;
  /** Stops it: one row per op name (self = without the ops it called). */
  profilerStop(): OpProfile[];
  /** Global L2 norm of the params' gradients; scales them in place to maxNorm when above it. */
  clipGradNorm(params: T[], maxNorm: number | null): number;
  setGradEnabled(on: boolean): boolean;
  gradEnabled(): boolean;
  setNumThreads(n: number): void;
  getNumThreads(): number;
  /** OpenBLAS's own thread count (setNumThreads sets it too); -1 when libtorch uses another BLAS. */
  getBlasThreads(): number;
  cudaAvailable(): boolean;
  torchVersion(): string;
  /** Remove `path` (rm -rf) if SIGINT/SIGTERM/SIGHUP ends the process; false when the 64 slots are full. */
  registerTemp(path: string): boolean;
  unregisterTemp(path: string): void;
}

function loadBinding(): NativeBinding {
  // FLOWSEG_NATIVE_PATH loads another build of the addon (native development in a copy).
  const path = process.env.FLOWSEG_NATIVE_PATH || join(packageRoot(), 'native', 'build', 'Release', 'flowseg_native.node');
  if (!existsSync(path)) {
    throw new Error(`flowseg: the native engine is not built (${path} missing) — run \`npm run setup\``);
  }
  // libgomp reads this when the addon loads. Passive waiting keeps OpenMP workers from
  // spinning on busy machines (2 shared cores: spinning made steps 10–20× slower).
  process.env.OMP_WAIT_POLICY ??= 'PASSIVE';
  const binding = createRequire(import.meta.url)(path) as NativeBinding;
  // Debian's libtorch starts with 1 intra-op thread; use the machine unless told otherwise.
  const threads = Number(process.env.FLOWSEG_THREADS ?? availableParallelism());
  if (Number.isInteger(threads) && threads > 0) binding.setNumThreads(threads);
  // SIGINT/SIGTERM during synchronous work (training, evaluation) remove flowseg's temp files natively.
  setTempObserver({ add: (p) => void binding.registerTemp(p), remove: (p) => binding.unregisterTemp(p) });
  return binding;
}

/** The loaded addon (loaded once, on first import). */
export const native: NativeBinding = loadBinding();
