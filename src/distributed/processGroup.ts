import { native, type NativeProcessGroup } from '../tensor/native.js';
import type { Tensor } from '../tensor/tensor.js';
import { tensor } from '../tensor/create.js';
import { scope } from '../tensor/scope.js';
import { FlowsegEngineError, FlowsegInputError } from '../util/errors.js';
import type { DistEnv } from './env.js';

export type Backend = 'gloo' | 'nccl';
export type ReduceOp = 'sum' | 'avg';

export interface ProcessGroupOptions {
  /** gloo (CPU tensors) or nccl (CUDA tensors; needs an addon built against a CUDA libtorch). */
  backend?: Backend;
  /** Rendezvous and per-collective timeout: a dead or stuck rank fails the others after this long. */
  timeoutMs?: number;
}

export const DEFAULT_TIMEOUT_MS = 5 * 60_000;

/**
 * One process's membership in a c10d process group: the TCPStore rendezvous (rank 0 hosts
 * it at MASTER_ADDR:MASTER_PORT) and the collectives. A failed rendezvous throws a
 * FlowsegInputError; every collective blocks until all ranks make it, or throws a
 * FlowsegEngineError (a rank died, or the timeout passed).
 */
export class ProcessGroup {
  readonly rank: number;
  readonly size: number;
  readonly backend: Backend;
  private handle: NativeProcessGroup | null;

  constructor(env: DistEnv, options: ProcessGroupOptions = {}) {
    this.backend = options.backend ?? 'gloo';
    try {
      this.handle = new native.NativeProcessGroup(
        this.backend,
        env.masterAddr,
        env.masterPort,
        env.rank,
        env.worldSize,
        options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      );
    } catch (err) {
      // A failed rendezvous is the job's setup (addresses, ranks not started), not a bug.
      throw new FlowsegInputError((err as Error).message);
    }
    this.rank = env.rank;
    this.size = env.worldSize;
  }

  /** The native group, for the gradient reducer. */
  get native(): NativeProcessGroup {
    if (this.handle === null) throw new FlowsegEngineError('the process group was closed');
    return this.handle;
  }

  /** In place on each tensor (contiguous; one collective per tensor, in list order). */
  allReduce(tensors: Tensor[], op: ReduceOp = 'sum'): void {
    engine(() =>
      this.native.allreduce(
        tensors.map((t) => t.native),
        op,
      ),
    );
  }

  /** In place; `t` must stay untouched until the returned `wait()`. */
  allReduceAsync(t: Tensor, op: ReduceOp = 'sum'): { wait(): void } {
    const work = engine(() => this.native.allreduceAsync(t.native, op));
    return { wait: () => engine(() => work.wait()) };
  }

  /** Sums plain numbers over the ranks (float64), e.g. validation loss sums and counts. */
  sumNumbers(values: readonly number[]): number[] {
    return scope(() => {
      const t = tensor(Float64Array.from(values), [values.length], { dtype: 'float64' });
      this.allReduce([t], 'sum');
      return Array.from(t.toFloat64Array());
    });
  }

  /** In place: every rank gets `root`'s values. */
  broadcast(tensors: Tensor[], root = 0): void {
    engine(() =>
      this.native.broadcast(
        tensors.map((t) => t.native),
        root,
      ),
    );
  }

  barrier(): void {
    engine(() => this.native.barrier());
  }

  /** Leaves the group. Rank 0 hosts the store: it should close last (after a barrier). */
  close(): void {
    this.handle?.shutdown();
    this.handle = null;
  }
}

function engine<T>(f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof Error && !(err instanceof FlowsegEngineError)) throw new FlowsegEngineError(err.message);
    throw err;
  }
}
