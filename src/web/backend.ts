// Which onnxruntime-web build runs the model: WebGPU where the browser offers an adapter, else
// wasm (SIMD; multi-threaded when the page is cross-origin isolated). No DOM or Node types:
// this file also compiles (and runs its wasm path) under Node.
import type * as Ort from 'onnxruntime-web';

export type Backend = 'webgpu' | 'wasm';
/** `auto` = WebGPU when `navigator.gpu` gives an adapter, else wasm. */
export type BackendChoice = Backend | 'auto';
export type OrtModule = typeof Ort;

interface GpuNavigator {
  gpu?: { requestAdapter(): Promise<unknown> };
  hardwareConcurrency?: number;
}

const nav = (): GpuNavigator | undefined => (globalThis as { navigator?: GpuNavigator }).navigator;

/** True when WebGPU is present and gives an adapter (headless Chromium with --disable-gpu has none). */
export async function hasWebGpu(): Promise<boolean> {
  const gpu = nav()?.gpu;
  if (!gpu) return false;
  try {
    return (await gpu.requestAdapter()) !== null;
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

/** wasm threads need SharedArrayBuffer, i.e. a cross-origin-isolated page (`flowseg view` sends COOP/COEP). */
export function wasmThreads(requested?: number): number {
  if (requested !== undefined) return requested;
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  return isolated ? Math.min(4, nav()?.hardwareConcurrency ?? 1) : 1;
}
