/** One batch of samples as plain arrays, the same on every engine. */
export interface SampleBatch {
  /** [B, n, H, W] foreground probabilities */
  probs: Float32Array;
  /** [B, n, H, W] */
  logits: Float32Array;
  /** [B, L] the prior net's σ */
  priorSigma: Float32Array;
}

/** [B, C, H, W] of a batch of model inputs. */
export type BatchShape = readonly [number, number, number, number];

/**
 * A model that draws n samples of each image of a batch, for a given prior noise: what
 * `evaluate` needs, so it never learns the engine. Implemented by eval's TorchSampler (libtorch,
 * synchronous) and export's OnnxSampler (onnxruntime, asynchronous). Types only: importing this
 * file loads no engine.
 */
export interface BatchSampler<Result extends SampleBatch | Promise<SampleBatch> = SampleBatch | Promise<SampleBatch>> {
  readonly inChannels: number;
  /** L, the latent size */
  readonly latent: number;
  /** [H, W] the model accepts only (an ONNX graph's fixed input); undefined: any size */
  readonly fixedSize?: readonly [number, number];
  /** images [B, C, H, W] in [0, 1], eps [B, n, L] → n samples of each image */
  sampleBatch(images: Float32Array, shape: BatchShape, eps: Float32Array, n: number): Result;
}
