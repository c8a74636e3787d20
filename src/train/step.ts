import type { Dataset } from '../data/types.js';
import type { SegmentationModel } from '../models/segmentationModel.js';
import { scope } from '../tensor/scope.js';
import type { Optimizer } from '../tensor/optimizer.js';
import type { Rng } from '../util/rng.js';
import type { TrainConfig } from '../run/config.js';
import { makeBatch } from './batches.js';
import { TrainingDivergedError } from './errors.js';
import { clipGradNorm, latentHealth, type LatentHealth } from './health.js';
import type { DistributedTraining } from '../distributed/training.js';

/** What one optimizer step logs. */
export interface StepValues {
  loss: number;
  ce: number;
  kl: number;
  logDet: number;
  gradNorm: number;
  health: LatentHealth | null;
}

export interface StepContext {
  model: SegmentationModel;
  optimizer: Optimizer;
  dataset: Dataset;
  config: TrainConfig;
  dataRng: Rng;
  /** The gradient-norm limit of this step (GradClipPolicy.limit()); null = no clipping. */
  clipLimit: number | null;
  /** Where the step is, for the divergence message. */
  where: { step: number; epoch: number; batch: number; lastCheckpoint: string };
  /** Data-parallel: `idx` is the global batch; this rank computes its shard (src/distributed). */
  parallel?: DistributedTraining;
}

/** One optimizer step on the items `idx`: forward, loss parts, backward, optional clip, update. */
export function trainStep(c: StepContext, idx: readonly number[]): StepValues {
  return scope(() => {
    c.optimizer.zeroGrad();
    const d = c.parallel;
    const shard = d?.shard(idx.length);
    const batch = makeBatch(c.dataset, idx, c.config.raters, c.dataRng, c.config.augment, c.model.config.dtype, shard);
    const eps = shard && d?.posteriorNoise(c.model, shard, idx.length);
    // A rank whose shard of a short last batch is empty still joins the reductions.
    const p = !shard || shard.end > shard.start ? c.model.loss(batch.images, batch.masks, { eps }) : null;
    const own = p ? [p.loss.item(), p.ce.item(), p.kl.item(), p.logDet.item()] : [0, 0, 0, 0];
    const [loss, ce, kl, logDet] = (d && shard ? d.combine(own, shard) : own) as [number, number, number, number];
    const v = { loss, ce, kl, logDet };
    const bad = (['ce', 'kl', 'logDet'] as const).find((k) => !Number.isFinite(v[k]));
    if (bad || !Number.isFinite(v.loss)) {
      const w = c.where;
      throw new TrainingDivergedError(
        `loss became ${v.loss} at step ${w.step} (epoch ${w.epoch}, batch ${w.batch}, items ${idx.slice(0, 4).join(',')}…): ` +
          `the ${bad ?? 'total'} term is ${bad ? v[bad] : v.loss} — lower --lr, set --grad-clip, or check the data; last good weights are in ${w.lastCheckpoint}`,
      );
    }
    const health = p ? latentHealth(p.priorLogSigma, p.posteriorLogSigma) : null;
    if (shard) d?.beforeBackward(shard);
    p?.loss.backward();
    d?.afterBackward();
    const gradNorm = clipGradNorm(c.model.parameters(), c.clipLimit);
    c.optimizer.step();
    return { ...v, gradNorm, health };
  });
}
