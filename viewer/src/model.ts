// The exported model on onnxruntime-web: WebGPU where the browser offers an adapter, else wasm
// (SIMD, multi-threaded when the page is cross-origin isolated, as `flowseg view` serves it).
import type * as Ort from 'onnxruntime-web';
import { readOnnxMetadata } from '../../src/export/onnxGraph.js';
import { parseMetadata, type OnnxModelMetadata } from '../../src/export/metadata.js';

export interface LoadedModel {
  ort: typeof Ort;
  session: Ort.InferenceSession;
  metadata: OnnxModelMetadata;
  backend: 'webgpu' | 'wasm';
  name: string;
}

export interface RunOutput {
  /** [n, H, W] */
  probs: Float32Array;
  priorMu: Float32Array;
  priorSigma: Float32Array;
}

async function hasWebGpu(): Promise<boolean> {
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (!gpu) return false;
  try {
    return (await gpu.requestAdapter()) !== null;
  } catch {
    return false;
  }
}

export async function loadModel(bytes: Uint8Array, name: string, forceWasm: boolean): Promise<LoadedModel> {
  const metadata = parseMetadata(readOnnxMetadata(bytes), name);
  const backend = !forceWasm && (await hasWebGpu()) ? 'webgpu' : 'wasm';
  // Each build is its own chunk, loaded on demand. The WebGPU build runs its wasm with
  // asyncify, which slows every CPU kernel; the plain wasm build is the fast CPU path.
  const ort = (backend === 'webgpu' ? await import('onnxruntime-web/webgpu') : await import('onnxruntime-web/wasm')) as typeof Ort;
  // Threads need SharedArrayBuffer, i.e. a cross-origin-isolated page (`flowseg view` sends the headers).
  ort.env.wasm.numThreads = globalThis.crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency || 1) : 1;
  const session = await ort.InferenceSession.create(bytes, { executionProviders: [backend], graphOptimizationLevel: 'all' });
  const model: LoadedModel = { ort, session, metadata, backend, name };
  // One small run now: onnxruntime-web prepares kernels and memory on the first run, which
  // would otherwise land on the user's first click.
  const [c, h, w] = metadata.inputShape;
  await runModel(model, new Float32Array(c * h * w), new Float32Array(metadata.latent), 1);
  return model;
}

/** All n samples in ONE session.run (eps [1, n, L]): the U-Net runs once, only fcomb per sample. */
export async function runModel(model: LoadedModel, image: Float32Array, eps: Float32Array, n: number): Promise<RunOutput> {
  const [c, h, w] = model.metadata.inputShape;
  const { ort } = model;
  const out = await model.session.run({
    image: new ort.Tensor('float32', image, [1, c, h, w]),
    eps: new ort.Tensor('float32', eps, [1, n, model.metadata.latent]),
  });
  const get = async (k: string): Promise<Float32Array> => (await (out[k] as Ort.Tensor).getData()) as Float32Array;
  const result = { probs: await get('probs'), priorMu: await get('prior_mu'), priorSigma: await get('prior_sigma') };
  for (const t of Object.values(out)) t.dispose();
  return result;
}
