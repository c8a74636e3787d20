/**
 * Data sharding for data-parallel training, PyTorch DDP semantics: `--batch-size` is per
 * process, so a step consumes one global batch of worldSize × batchSize items from the epoch's
 * shuffled order (the order a single process would use), and each rank takes a contiguous,
 * disjoint slice of it. Contiguous slices keep the per-sample randomness simple: every rank
 * draws it for the whole global batch and keeps rows [start, end).
 */

/** Half-open [start, end) of `rank`'s slice of `n` items; sizes differ by at most one. */
export interface ShardRange {
  start: number;
  end: number;
}

export function shardRange(n: number, rank: number, worldSize: number): ShardRange {
  const base = Math.floor(n / worldSize);
  const extra = n % worldSize;
  const start = rank * base + Math.min(rank, extra);
  return { start, end: start + base + (rank < extra ? 1 : 0) };
}

/** This rank's share of a global batch of `n` items, the weight of its gradient in the average. */
export function shardWeight(n: number, rank: number, worldSize: number): number {
  const { start, end } = shardRange(n, rank, worldSize);
  return n === 0 ? 0 : (end - start) / n;
}
