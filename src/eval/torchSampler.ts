import { tensor } from '../tensor/create.js';
import { scope } from '../tensor/scope.js';
import { noGrad, releaseFreeMemory } from '../tensor/engine.js';
import type { SegmentationModel } from '../models/segmentationModel.js';
import type { BatchSampler, BatchShape, SampleBatch } from '../infer/sampler.js';
import { batchReductions } from './batchReductions.js';
import type { EngineReductions } from './reductions.js';
import type { SampleReductions } from './imageMetrics.js';

/**
 * A libtorch model as evaluate's sampler: `model.sample` for a batch with the given ε (the
 * U-Net once per image, fcomb per sample), and the −CLL/NCC sums on the engine. Synchronous,
 * so `evaluate` (not only `evaluateAsync`) takes it. The model stays the caller's to dispose.
 */
export class TorchSampler implements BatchSampler<SampleBatch>, EngineReductions {
  constructor(readonly model: SegmentationModel) {}

  get inChannels(): number {
    return this.model.config.inChannels;
  }

  get latent(): number {
    return this.model.config.latent;
  }

  sampleBatch(images: Float32Array, shape: BatchShape, eps: Float32Array, n: number): SampleBatch {
    const [b, c, h, w] = shape;
    const L = this.latent;
    return scope(() =>
      noGrad(() => {
        const s = this.model.sample(tensor(images, [b, c, h, w]), n, { eps: tensor(eps, [b, n, L]) });
        // probs, logits [B, n, H, W]; prior σ [B, L]
        return { probs: s.probs.toFloat32Array(), logits: s.logits.toFloat32Array(), priorSigma: s.priorSigma.toFloat32Array() };
      }),
    );
  }

  reductions(batch: SampleBatch, shape: BatchShape, n: number, raters: readonly (readonly Uint8Array[])[]): SampleReductions[] {
    const [b, , h, w] = shape;
    const out = scope(() => batchReductions(tensor(batch.logits, [b, n, h, w]), tensor(batch.probs, [b, n, h, w]), raters));
    releaseFreeMemory(); // the batch's engine work ends here
    return out;
  }
}
