// The exported model on onnxruntime-web: WebGPU where the browser offers an adapter, else wasm.
import type * as Ort from 'onnxruntime-web/webgpu';
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
  // Its own chunk, loaded on demand: onnxruntime-web starts its wasm worker threads from its
  // module's URL, which must not be the page's main script (that one touches the DOM).
  const ort = await import('onnxruntime-web/webgpu');
  // Threads need SharedArrayBuffer, i.e. a cross-origin-isolated page (`flowseg view` sends the headers).
  ort.env.wasm.numThreads = globalThis.crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency || 1) : 1;
  const backend = !forceWasm && (await hasWebGpu()) ? 'webgpu' : 'wasm';
  const session = await ort.InferenceSession.create(bytes, { executionProviders: [backend] });
  return { ort, session, metadata, backend, name };
}

export async function runModel(model: LoadedModel, image: Float32Array, eps: Float32Array, n: number): Promise<RunOutput> {
  const [c, h, w] = model.metadata.inputShape;
  const { ort } = model;
  const out = await model.session.run({
    image: new ort.Tensor('float32', image, [1, c, h, w]),
    eps: new ort.Tensor('float32', eps, [1, n, model.metadata.latent]),
  });
  const get = async (k: string): Promise<Float32Array> => (await (out[k] as Ort.Tensor).getData()) as Float32Array;
  return { probs: await get('probs'), priorMu: await get('prior_mu'), priorSigma: await get('prior_sigma') };
}
