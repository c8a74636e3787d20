import { randn } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import type { SegmentationModel } from '../models/segmentationModel.js';
import { FlowsegInputError } from '../util/errors.js';
import type { DistEnv } from './env.js';
import { GradReducer, type GradReducerOptions } from './gradReducer.js';
import { ProcessGroup, type ProcessGroupOptions } from './processGroup.js';
import { shardRange, type ShardRange } from './shard.js';

/** This rank's rows of a global batch and its weight in the gradient average (n_rank / n). */
export interface BatchShard extends ShardRange {
  weight: number;
}

/**
 * Data-parallel training with PyTorch DDP's semantics, as hooks the training loop calls:
 * `--batch-size` is per process; a step takes a global batch of worldSize × batchSize items of
 * the single-process order, each rank its contiguous shard; per-sample randomness (rater pick,
 * augmentation, posterior ε) is drawn for the whole global batch from the shared seed on every
 * rank, so N ranks × b reproduce 1 process × N·b. Rank 0 alone writes the run folder.
 */
export class DistributedTraining {
  readonly rank: number;
  readonly worldSize: number;
  readonly group: ProcessGroup;
  private reducer: GradReducer | null = null;
  private readonly reducerOptions: GradReducerOptions;

  constructor(env: DistEnv, options: ProcessGroupOptions & GradReducerOptions = {}) {
    this.group = new ProcessGroup(env, options);
    this.rank = env.rank;
    this.worldSize = env.worldSize;
    this.reducerOptions = { bucketMb: options.bucketMb, overlap: options.overlap };
  }

  /** Rank 0 writes checkpoints, the log, config and split; it alone locks the run folder. */
  get writes(): boolean {
    return this.rank === 0;
  }

  /** After the model is built (and restored): every rank starts from rank 0's weights (as DDP does). */
  attach(model: SegmentationModel): void {
    const params = model.parameters();
    this.group.broadcast(params, 0);
    this.reducer = new GradReducer(this.group, params, this.reducerOptions);
  }

  shard(n: number): BatchShard {
    const r = shardRange(n, this.rank, this.worldSize);
    return { ...r, weight: n === 0 ? 0 : (r.end - r.start) / n };
  }

  /** ε [n_rank, L]: this rank's rows of the global batch's noise, drawn in full as one process would. */
  posteriorNoise(model: SegmentationModel, shard: BatchShard, globalBatch: number): Tensor | undefined {
    if (model.config.model !== 'probunet') return undefined;
    const dtype = model.config.dtype === 'float64' ? 'float64' : 'float32';
    return randn([globalBatch, model.config.latent], { dtype }).slice(0, shard.start, shard.end); // [n_rank, L]
  }

  beforeBackward(shard: BatchShard): void {
    this.attached().begin(shard.weight);
  }

  /** Gradients become the global batch's (Σ_r weight_r·∇L_r), identical on every rank. */
  afterBackward(): void {
    this.attached().end();
  }

  /** Batch-mean values of the shards → the global batch's (weighted sum over ranks). */
  combine(values: readonly number[], shard: BatchShard): number[] {
    return this.group.sumNumbers(values.map((v) => (shard.end > shard.start ? v * shard.weight : 0)));
  }

  /** One number for all ranks (e.g. how far through the time budget): the mean of theirs. */
  meanOf(x: number): number {
    return (this.group.sumNumbers([x])[0] as number) / this.worldSize;
  }

  /** One decision for all ranks (e.g. the time budget): true when any rank says so. */
  anyRank(flag: boolean): boolean {
    return (this.group.sumNumbers([flag ? 1 : 0])[0] as number) > 0;
  }

  /** Validation sharded over the ranks, reduced to the mean over all images (same result on every rank). */
  validate<V extends { loss: number; ged: number | null }>(indices: readonly number[], run: (mine: number[]) => V): { loss: number; ged: number | null } {
    const { start, end } = shardRange(indices.length, this.rank, this.worldSize);
    const n = end - start;
    const v = n > 0 ? run(indices.slice(start, end)) : null;
    const [lossSum = 0, gedSum = 0, count = 0, gedCount = 0] = this.group.sumNumbers([
      v ? v.loss * n : 0,
      v?.ged != null ? v.ged * n : 0,
      n,
      v?.ged != null ? n : 0,
    ]);
    return { loss: count > 0 ? lossSum / count : Number.NaN, ged: gedCount > 0 ? gedSum / gedCount : null };
  }

  /** Ranks leave together; rank 0 (the store's host) last. */
  close(): void {
    this.group.barrier();
    this.group.close();
  }

  private attached(): GradReducer {
    if (this.reducer === null) throw new Error('DistributedTraining: attach(model) before the first step');
    return this.reducer;
  }
}

/** --resume needs the world size the run was trained with: the global batch depends on it. */
export function checkResumeWorldSize(saved: number | undefined, current: number, runDir: string): void {
  const was = saved ?? 1;
  if (was === current) return;
  const how = was === 1 ? 'as a single process' : `with WORLD_SIZE=${was} (or --nproc-per-node ${was})`;
  throw new FlowsegInputError(
    `--resume: ${runDir} was trained by ${was} process${was === 1 ? '' : 'es'} and this run has ${current} — --batch-size is per process, so resume it ${how}`,
  );
}
