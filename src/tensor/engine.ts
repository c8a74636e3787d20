import { readFileSync } from 'node:fs';
import { native, type CpuAllocatorStats } from './native.js';
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

/** Whether ops record autograd history now (false inside {@link noGrad}). */
export function gradEnabled(): boolean {
  return native.gradEnabled();
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
/** OpenBLAS's own pool size, which setNumThreads also sets; null when libtorch runs on another BLAS. */
export function getBlasThreads(): number | null {
  const n = native.getBlasThreads();
  return n < 0 ? null : n;
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
 * Returns the C heap's free pages (glibc malloc_trim) and the caching allocator's free blocks
 * (emptyCpuCache) to the OS when the process's anonymous memory has grown by TRIM_GROWTH_BYTES
 * over its level one call after the last trim (the level with one step's freed blocks kept for
 * reuse). libtorch's large tensor blocks, freed into
 * glibc's per-thread arenas, otherwise fragment: an LIDC training run grew by tens of MB per
 * step after its first validation and was OOM-killed at 24 GB while its live tensors stayed
 * constant. Called after every training step, validation round and evaluation batch.
 * Not trimming at every call: each trim hands back the pages the next step faults in again
 * (LIDC, batch 8, 2 threads: 260k page faults and 15% of the CPU time in the kernel per step;
 * 2.2 s steps with a trim per step, 1.94 s without). Where /proc/self/status is missing it trims
 * at every call.
 */
export function releaseFreeMemory(): void {
  const now = anonymousBytes();
  if (now !== null) {
    if (settledAt === null) settledAt = now; // first call after a trim: the working level
    if (now - settledAt < TRIM_GROWTH_BYTES) return;
  }
  native.mallocTrim();
  native.emptyCpuCache();
  settledAt = null;
}

/**
 * Counters of the addon's caching allocator of large CPU blocks: a training step needs the same
 * blocks every step, so after the first steps `mappedSegments` stops growing.
 */
export function cpuAllocatorStats(): CpuAllocatorStats {
  return native.cpuAllocatorStats();
}

/** Gives the cached free blocks back to the OS; returns how many bytes. */
export function emptyCpuCache(): number {
  return native.emptyCpuCache();
}

/** Growth of anonymous memory over the working level that triggers the next trim. */
export const TRIM_GROWTH_BYTES = 256 * 2 ** 20;
/**
 * The working level (null: the next call records it). −∞ at start, so the first call trims: the
 * level before it may hold a data loader's or a model load's garbage.
 */
let settledAt: number | null = Number.NEGATIVE_INFINITY;

/** RssAnon of this process in bytes (Linux), else null. */
function anonymousBytes(): number | null {
  try {
    const kb = /RssAnon:\s+(\d+)\s+kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    return kb === undefined ? null : Number(kb) * 1024;
  } catch {
    return null;
  }
}
