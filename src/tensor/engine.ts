import { native } from './native.js';
import { Tensor } from './tensor.js';
import type { Device } from './dtype.js';

/** Runs `fn` without recording autograd history (like `torch.no_grad()`). */
export function noGrad<R>(fn: () => R): R {
  const previous = native.setGradEnabled(false);
  try {
    return fn();
  } finally {
    native.setGradEnabled(previous);
  }
}

/** Seeds libtorch's global CPU generator (weight init, dropout, default randn). */
export function manualSeed(seed: number): void {
  native.manualSeed(seed);
}
/** The global generator's state as a uint8 tensor (for exact resume). */
export function getRngState(): Tensor {
  return new Tensor(native.getRngState());
}
export function setRngState(state: Tensor): void {
  native.setRngState(state.native);
}

/** Tensors currently alive (created, not yet disposed or collected): for leak tests. */
export function liveTensors(): number {
  return native.liveTensors();
}

export function setNumThreads(n: number): void {
  native.setNumThreads(n);
}
export function getNumThreads(): number {
  return native.getNumThreads();
}

/** 'cuda' only when the loaded libtorch was built with CUDA and sees a device. */
export function defaultDevice(): Device {
  return native.cudaAvailable() ? 'cuda' : 'cpu';
}
export function cudaAvailable(): boolean {
  return native.cudaAvailable();
}
export function torchVersion(): string {
  return native.torchVersion();
}

/**
 * Returns the C heap's free pages to the OS (glibc malloc_trim). libtorch's large tensor blocks,
 * freed into glibc's per-thread arenas, otherwise fragment: an LIDC training run grew by tens of
 * MB per step after its first validation and was OOM-killed at 24 GB while its live tensors
 * stayed constant. Called after every training step, validation round and evaluation batch;
 * measured cost: none (1.9 s steps with and without, anon RSS 175 MB instead of 3.3 GB after 32 steps).
 */
export function releaseFreeMemory(): void {
  native.mallocTrim();
}
