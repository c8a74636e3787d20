import { readFileSync, existsSync } from 'node:fs';
import type * as Ort from 'onnxruntime-node';
// The engine-free parts of src/infer, file by file (its index also exports the libtorch sampler).
import { priorNoise } from '../infer/noise.js';
import { imageSamples } from '../infer/imageSamples.js';
import type { ImageSamples } from '../infer/types.js';
import type { BatchSampler, BatchShape, SampleBatch } from '../infer/sampler.js';
import { FlowsegInputError } from '../util/errors.js';
import { readOnnxMetadata } from './onnxMetadata.js'; // reads only metadata_props, not the weights
import { parseMetadata, type OnnxModelMetadata } from './metadata.js';

export interface OnnxSamplerOptions {
  /** onnxruntime intra-op threads (default: onnxruntime's choice, all cores). */
  threads?: number;
  /**
   * Whether onnxruntime's intra-op threads spin between ops (its default, true). A one-shot
   * command turns it off: threads spinning while the session builds or after the run take the
   * cores from the work beside them (docs/scans.md, "Speed").
   */
  spinning?: boolean;
}

/** The raw outputs for one image: n maps of H×W each. */
export interface OnnxSampleOutput {
  /** [n, H, W] */
  probs: Float32Array;
  /** [n, H, W] */
  logits: Float32Array;
  /** [L] */
  priorMu: Float32Array;
  /** [L] */
  priorSigma: Float32Array;
}

/**
 * An exported flowseg model on onnxruntime-node. Create once (e.g. per server) and call
 * `run` per request; `release` frees the native session. Also evaluate's sampler
 * (`sampleBatch`: several images in one `session.run`).
 */
export class OnnxSampler implements BatchSampler<Promise<SampleBatch>> {
  private constructor(
    private readonly ort: typeof Ort,
    private readonly session: Ort.InferenceSession,
    readonly metadata: OnnxModelMetadata,
  ) {}

  static async create(modelPath: string, options: OnnxSamplerOptions = {}): Promise<OnnxSampler> {
    if (!existsSync(modelPath)) throw new FlowsegInputError(`${modelPath}: no such ONNX model (write one with \`flowseg export\`)`);
    const bytes = readFileSync(modelPath);
    const metadata = parseMetadata(readOnnxMetadata(bytes, modelPath), modelPath);
    const ort = await loadOnnxRuntime();
    const session = await ort.InferenceSession.create(bytes, {
      executionProviders: ['cpu'],
      ...(options.spinning === false ? { extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } } } : {}),
      ...(options.threads ? { intraOpNumThreads: options.threads, interOpNumThreads: 1 } : {}),
    });
    return new OnnxSampler(ort, session, metadata);
  }

  get inChannels(): number {
    return this.metadata.inputShape[0];
  }

  get latent(): number {
    return this.metadata.latent;
  }

  /** The graph's fixed [H, W]. */
  get fixedSize(): readonly [number, number] {
    return [this.metadata.inputShape[1], this.metadata.inputShape[2]];
  }

  /** image [C, H, W] in [0, 1] (the metadata's input shape), eps [n, L] → n sample maps. */
  async run(image: Float32Array, eps: Float32Array, n: number): Promise<OnnxSampleOutput> {
    const [c, h, w] = this.metadata.inputShape;
    return this.runGraph(image, [1, c, h, w], eps, n);
  }

  /** images [B, C, H, W] (C, H, W the metadata's), eps [B, n, L] → probs, logits [B, n, H, W], prior σ [B, L]. */
  async sampleBatch(images: Float32Array, shape: BatchShape, eps: Float32Array, n: number): Promise<SampleBatch> {
    const { probs, logits, priorSigma } = await this.runGraph(images, shape, eps, n);
    return { probs, logits, priorSigma };
  }

  private async runGraph(images: Float32Array, shape: BatchShape, eps: Float32Array, n: number): Promise<OnnxSampleOutput> {
    const [c, h, w] = this.metadata.inputShape;
    const b = shape[0];
    const L = this.metadata.latent;
    if (shape[1] !== c || shape[2] !== h || shape[3] !== w || images.length !== b * c * h * w)
      throw new FlowsegInputError(`OnnxSampler: images [${shape.join(', ')}] (${images.length} values), the model expects [B, ${c}, ${h}, ${w}]`);
    if (eps.length !== b * n * L) throw new FlowsegInputError(`OnnxSampler: eps has ${eps.length} values, expected B·n·L = ${b}·${n}·${L}`);
    const out = await this.session.run({
      image: new this.ort.Tensor('float32', images, [b, c, h, w]),
      eps: new this.ort.Tensor('float32', eps, [b, n, L]),
    });
    const data = (name: string): Float32Array => (out[name] as Ort.Tensor).data as Float32Array;
    const result = { probs: data('probs'), logits: data('logits'), priorMu: data('prior_mu'), priorSigma: data('prior_sigma') };
    for (const t of Object.values(out)) t.dispose();
    return result;
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

/** onnxruntime-node is an optional peer dependency: loaded on first use, with the fix when absent. */
async function loadOnnxRuntime(): Promise<typeof Ort> {
  try {
    return await import('onnxruntime-node');
  } catch (err) {
    if ((err as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw err;
    throw new FlowsegInputError('onnxruntime-node is not installed: run `npm install onnxruntime-node` beside flowseg (the ONNX engine, `--engine onnx`)');
  }
}

/** Turns raw sampler outputs into the same ImageSamples the libtorch path returns. */
export function toImageSamples(image: Float32Array, h: number, w: number, out: OnnxSampleOutput, n: number): ImageSamples {
  return imageSamples(image, h, w, out.probs, n, out.priorMu, out.priorSigma);
}

/**
 * `flowseg sample --engine onnx`: the ONNX twin of `sampleImage`. The input is read and the
 * noise drawn by the same functions (`loadModelInput`, `priorNoise`), so a seed gives the
 * same z — and the same masks — on both engines.
 */
export async function sampleImageOnnx(modelPath: string, imagePath: string, n: number, seed: number): Promise<ImageSamples> {
  const sampler = await OnnxSampler.create(modelPath);
  try {
    const { inputShape, latent } = sampler.metadata;
    const { loadModelInput } = await import('../infer/modelInput.js'); // PNG/JPEG/TIFF/NIfTI decoders: only this path needs them
    const image = await loadModelInput(imagePath, inputShape);
    const out = await sampler.run(image, priorNoise(n, latent, seed), n);
    return toImageSamples(image, inputShape[1], inputShape[2], out, n);
  } finally {
    await sampler.release();
  }
}
