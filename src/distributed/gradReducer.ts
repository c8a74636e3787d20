import { native, type NativeGradReducer } from '../tensor/native.js';
import type { Tensor } from '../tensor/tensor.js';
import { FlowsegEngineError } from '../util/errors.js';
import type { ProcessGroup } from './processGroup.js';

export interface GradReducerOptions {
  /** Bucket size; DDP's default bucket_cap_mb is 25. */
  bucketMb?: number;
  /** Start each bucket's all-reduce from autograd hooks while backward still runs (DDP's way). */
  overlap?: boolean;
}

/**
 * Averages gradients across the ranks after backward, in flat buckets of ~25 MB (DDP's
 * Reducer). Each rank passes its `weight` = its share of the global batch (n_rank / n_global):
 * the losses are batch means, so Σ_r weight_r · ∇L_r is the gradient of the global batch mean,
 * also when the last batch of an epoch splits unevenly (a rank with 0 items passes weight 0).
 *
 *   reducer.begin(weight); loss.backward(); reducer.end(); optimizer.step();
 *
 * Gradients must be None (zeroGrad) before backward. After end(), every parameter has a
 * gradient, the same on all ranks.
 */
export class GradReducer {
  readonly overlap: boolean;
  /** ms of the last end() spent on gradient communication that backward did not hide. */
  lastCommMs = 0;
  private readonly handle: NativeGradReducer;
  private weight = 1;
  private began = false;

  constructor(group: ProcessGroup, params: Tensor[], options: GradReducerOptions = {}) {
    this.overlap = options.overlap ?? true;
    const capBytes = Math.round((options.bucketMb ?? 25) * 1024 * 1024);
    this.handle = new native.NativeGradReducer(
      group.native,
      params.map((p) => p.native),
      capBytes,
    );
  }

  /** Elements per bucket (buckets hold parameters in reverse order). */
  get bucketSizes(): number[] {
    return this.handle.bucketSizes();
  }

  /** Before backward. */
  begin(weight: number): void {
    if (!(weight >= 0 && weight <= 1)) throw new RangeError(`GradReducer weight must be in [0, 1], got ${weight}`);
    this.weight = weight;
    this.began = true;
    if (this.overlap) this.handle.begin(weight);
  }

  /** After backward, before the optimizer step: waits for every bucket, writes the averaged grads. */
  end(): void {
    if (!this.began) throw new Error('GradReducer.end() without begin()');
    this.began = false;
    try {
      this.lastCommMs = this.overlap ? this.handle.finish() : this.handle.reduce(this.weight);
    } catch (err) {
      throw new FlowsegEngineError((err as Error).message);
    }
  }
}
