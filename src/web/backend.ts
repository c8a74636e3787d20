// Which onnxruntime-web build runs the model: WebGPU where the browser offers an adapter, else
// wasm (SIMD; multi-threaded when the page is cross-origin isolated). No DOM or Node types:
// this file also compiles (and runs its wasm path) under Node.
import type * as Ort from 'onnxruntime-web';

export type Backend = 'webgpu' | 'wasm';
/** `auto` = WebGPU when `navigator.gpu` gives an adapter, else wasm. */
export type BackendChoice = Backend | 'auto';
export type OrtModule = typeof Ort;

/** The parts of a GPUAdapter read here (`isFallbackAdapter` moved into `info` in 2024; older browsers have it on the adapter). */
interface GpuAdapter {
  info?: { isFallbackAdapter?: boolean; architecture?: string };
  isFallbackAdapter?: boolean;
}

interface GpuNavigator {
  gpu?: { requestAdapter(): Promise<GpuAdapter | null> };
  hardwareConcurrency?: number;
}

const nav = (): GpuNavigator | undefined => (globalThis as { navigator?: GpuNavigator }).navigator;

/**
 * True when WebGPU is present and gives a hardware adapter. Headless Chromium with --disable-gpu
 * has none; with --enable-unsafe-webgpu on a machine without a GPU it offers SwiftShader, a
 * fallback adapter that runs on the CPU: 16 samples took ~100 s there against ~1 s on wasm
 * (both under the same load), so a fallback adapter counts as no WebGPU.
 */
export async function hasWebGpu(): Promise<boolean> {
  const gpu = nav()?.gpu;
  if (!gpu) return false;
  try {
    const adapter = await gpu.requestAdapter();
    return adapter !== null && !(adapter.info?.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false);
  } catch {
    return false;
  }
}

export async function pickBackend(choice: BackendChoice): Promise<Backend> {
  if (choice !== 'auto') return choice;
  return (await hasWebGpu()) ? 'webgpu' : 'wasm';
}

/**
 * The onnxruntime-web build for `backend`, each its own chunk for a bundler. The WebGPU build
 * runs its wasm with asyncify, which slows every CPU kernel, so the wasm path loads the plain
 * wasm build.
 */
export async function loadOrt(backend: Backend): Promise<OrtModule> {
  return (backend === 'webgpu' ? await import('onnxruntime-web/webgpu') : await import('onnxruntime-web/wasm')) as OrtModule;
}

/**
 * wasm threads: one per core, up to 4. Threads need SharedArrayBuffer, i.e. a cross-origin-isolated
 * page (`flowseg view` sends COOP/COEP); elsewhere 1. onnxruntime-web's own default is half the
 * cores (1 on a 2-core machine), hence set here. Under Node (the tests) `navigator` may be absent: 1.
 */
export function wasmThreads(requested?: number): number {
  if (requested !== undefined) return requested;
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  return isolated ? Math.max(1, Math.min(4, nav()?.hardwareConcurrency ?? 1)) : 1;
}
