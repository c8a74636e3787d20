// flowseg/web: an exported flowseg model on onnxruntime-web. The model input, the seeded prior
// noise, the threshold and the maps are the same pure-TS code as Node's `flowseg sample`, so
// a seed gives the same masks in the browser as on the command line.
import type * as Ort from 'onnxruntime-web';
import { readOnnxMetadata } from '../export/onnxMetadata.js';
import { parseMetadata, type OnnxModelMetadata } from '../export/metadata.js';
import { priorNoise } from '../infer/noise.js';
import { imageSamples } from '../infer/imageSamples.js';
import type { ImageSamples } from '../infer/types.js';
import { entropyMap } from '../metrics/index.js';
import { FlowsegInputError } from '../util/errors.js';
import { loadOrt, pickBackend, wasmThreads, type Backend, type BackendChoice, type OrtModule } from './backend.js';

/** Model bytes, or a URL to fetch them from. */
export type ModelSource = Uint8Array | ArrayBuffer | string | URL;

export interface LoadSamplerOptions {
  /** Default `auto`: WebGPU when present, else wasm. */
  backend?: BackendChoice;
  /** wasm threads (default: one per core, up to 4, when the page is cross-origin isolated; else 1). */
  threads?: number;
  /** Where onnxruntime-web finds its .wasm files when a bundler does not place them (a URL prefix). */
  wasmPaths?: string;
  /** An onnxruntime-web module to use instead of loading one (e.g. `onnxruntime-web` under Node). */
  ort?: OrtModule;
  /** Name used in error messages (default: the URL, or `model.onnx`). */
  name?: string;
}

export interface SampleOptions {
  /** Number of samples (default 16). */
  n?: number;
  /** Seed of the prior noise ε (default 0); the same seed gives `flowseg sample --seed`'s masks. */
  seed?: number;
}

/** What one call gives: `ImageSamples` (probs, masks, mean, std, prior) plus entropy and timing. */
export interface WebSamples extends ImageSamples {
  n: number;
  seed: number;
  /** Predictive entropy of the mean (nats) [H, W] */
  entropy: Float32Array;
  backend: Backend;
  /** wasm threads onnxruntime-web was given (1 unless the page is cross-origin isolated). */
  threads: number;
  /** Wall time of ε + the one session.run for all n samples. */
  ms: number;
}

export class WebSampler {
  private constructor(
    private readonly ort: OrtModule,
    private readonly session: Ort.InferenceSession,
    readonly metadata: OnnxModelMetadata,
    /** Which onnxruntime-web backend runs the model. */
    readonly backend: Backend,
    readonly name: string,
    /** wasm threads onnxruntime-web was given (`env.wasm.numThreads`, fixed by its first session). */
    readonly threads: number,
  ) {}

  /** Loads an exported model (bytes or URL), picks the backend and warms it up. */
  static async load(source: ModelSource, options: LoadSamplerOptions = {}): Promise<WebSampler> {
    const name = options.name ?? (typeof source === 'string' || source instanceof URL ? String(source) : 'model.onnx');
    const bytes = await modelBytes(source, name);
    const metadata = parseMetadata(readOnnxMetadata(bytes), name);
    const backend = await pickBackend(options.backend ?? 'auto');
    const ort = options.ort ?? (await loadOrt(backend));
    ort.env.wasm.numThreads = wasmThreads(options.threads);
    if (options.wasmPaths) ort.env.wasm.wasmPaths = options.wasmPaths;
    const session = await ort.InferenceSession.create(bytes, { executionProviders: [backend], graphOptimizationLevel: 'all' });
    const sampler = new WebSampler(ort, session, metadata, backend, name, ort.env.wasm.numThreads ?? 1);
    // onnxruntime-web prepares kernels and memory on the first run, which would otherwise
    // land on the user's first click.
    const [c, h, w] = metadata.inputShape;
    await sampler.run(new Float32Array(c * h * w), new Float32Array(metadata.latent), 1);
    return sampler;
  }

  /** The model input shape [C, H, W]. */
  get inputShape(): [number, number, number] {
    return this.metadata.inputShape;
  }

  /** n samples of one crop [C, H, W] in [0, 1]: ε from the seed, ONE session.run (U-Net once, fcomb per sample). */
  async sample(crop: Float32Array, options: SampleOptions = {}): Promise<WebSamples> {
    const n = options.n ?? 16;
    const seed = options.seed ?? 0;
    if (!Number.isInteger(n) || n < 1) throw new FlowsegInputError(`sample: n must be a positive integer (got ${n})`);
    if (!Number.isInteger(seed) || seed < 0) throw new FlowsegInputError(`sample: seed must be a non-negative integer (got ${seed})`);
    checkCrop(crop, this.metadata.inputShape);
    const [, h, w] = this.metadata.inputShape;
    const t0 = performance.now();
    const out = await this.run(crop, priorNoise(n, this.metadata.latent, seed), n);
    const ms = performance.now() - t0;
    const samples = imageSamples(crop, h, w, out.probs, n, out.priorMu, out.priorSigma);
    return { ...samples, n, seed, entropy: entropyMap(samples.probs), backend: this.backend, threads: this.threads, ms };
  }

  /** The raw graph: image [C, H, W], eps [n, L] → probs [n, H, W], prior μ and σ [L]. */
  async run(image: Float32Array, eps: Float32Array, n: number): Promise<{ probs: Float32Array; priorMu: Float32Array; priorSigma: Float32Array }> {
    const [c, h, w] = this.metadata.inputShape;
    const L = this.metadata.latent;
    // Only the outputs used: the logits [n, H, W] would be one more copy out of wasm memory.
    const out = await this.session.run({ image: new this.ort.Tensor('float32', image, [1, c, h, w]), eps: new this.ort.Tensor('float32', eps, [1, n, L]) }, [
      'probs',
      'prior_mu',
      'prior_sigma',
    ]);
    const get = async (k: string): Promise<Float32Array> => (await (out[k] as Ort.Tensor).getData()) as Float32Array;
    const result = { probs: await get('probs'), priorMu: await get('prior_mu'), priorSigma: await get('prior_sigma') };
    for (const t of Object.values(out)) t.dispose();
    return result;
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

/** Shorthand for `WebSampler.load`. */
export const loadSampler = (source: ModelSource, options?: LoadSamplerOptions): Promise<WebSampler> => WebSampler.load(source, options);

async function modelBytes(source: ModelSource, name: string): Promise<Uint8Array> {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  const response = await fetch(source);
  if (!response.ok) throw new FlowsegInputError(`${name}: HTTP ${response.status} (pass the URL of a model written by \`flowseg export\`)`);
  return new Uint8Array(await response.arrayBuffer());
}

function checkCrop(crop: Float32Array, [c, h, w]: readonly [number, number, number]): void {
  if (!(crop instanceof Float32Array) || crop.length !== c * h * w)
    throw new FlowsegInputError(`sample: the crop must be a Float32Array [${c}, ${h}, ${w}] (${c * h * w} values), got ${crop?.length ?? 'none'}`);
  for (let i = 0; i < crop.length; i++) {
    const v = crop[i] as number;
    if (!(v >= 0 && v <= 1)) throw new FlowsegInputError(`sample: crop value ${v} at index ${i} is outside [0, 1] (map intensities as the model's card says)`);
  }
}
