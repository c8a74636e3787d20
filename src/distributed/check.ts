import { hostname } from 'node:os';
import { scope } from '../tensor/scope.js';
import { zeros, ones } from '../tensor/create.js';
import type { DistEnv } from './env.js';
import { ProcessGroup, type ProcessGroupOptions } from './processGroup.js';

export interface RankInfo {
  rank: number;
  localRank: number;
  host: string;
  pid: number;
}

export interface DistCheck {
  worldSize: number;
  backend: string;
  ranks: RankInfo[];
  rendezvousMs: number;
  /** One all-reduce of `megabytes` of float32 (a DDP bucket is 25 MB). */
  allReduceMs: number;
  megabytes: number;
}

const HOST_BYTES = 64;

/**
 * `flowseg dist-check`: rendezvous, an all-reduce that gathers every rank's host/pid (so a
 * user sees the ranks see each other), and one timed bucket-sized all-reduce.
 */
export function distCheck(env: DistEnv, options: ProcessGroupOptions & { megabytes?: number } = {}): DistCheck {
  const t0 = performance.now();
  const pg = new ProcessGroup(env, options);
  const rendezvousMs = performance.now() - t0;
  const megabytes = options.megabytes ?? 25;
  try {
    const ranks = scope(() => {
      // [W, 3 + HOST_BYTES]: each rank fills its own row, the sum is everyone's rows.
      const width = 3 + HOST_BYTES;
      const rows = new Float64Array(env.worldSize * width);
      const host = Buffer.from(hostname()).subarray(0, HOST_BYTES);
      const row = env.rank * width;
      rows.set([env.rank, env.localRank, process.pid], row);
      host.forEach((b, i) => {
        rows[row + 3 + i] = b;
      });
      const summed = pg.sumNumbers(Array.from(rows));
      return Array.from({ length: env.worldSize }, (_, r): RankInfo => {
        const at = r * width;
        const bytes = summed.slice(at + 3, at + width).filter((b) => b > 0);
        return { rank: summed[at] as number, localRank: summed[at + 1] as number, pid: summed[at + 2] as number, host: Buffer.from(bytes).toString() };
      });
    });
    const allReduceMs = scope(() => {
      const n = Math.round((megabytes * 1024 * 1024) / 4);
      const t = n > 0 ? ones([n]) : zeros([1]);
      pg.allReduce([t], 'sum'); // warm-up: connections, buffers
      const t1 = performance.now();
      pg.allReduce([t], 'sum');
      return performance.now() - t1;
    });
    pg.barrier();
    return { worldSize: env.worldSize, backend: pg.backend, ranks, rendezvousMs, allReduceMs, megabytes };
  } finally {
    pg.close();
  }
}

/** The lines rank 0 prints. */
export function formatDistCheck(c: DistCheck): string {
  const lines = [`flowseg dist-check: ${c.worldSize} ranks (${c.backend}) rendezvoused in ${(c.rendezvousMs / 1000).toFixed(2)} s`];
  for (const r of c.ranks) lines.push(`  rank ${r.rank}  local rank ${r.localRank}  host ${r.host}  pid ${r.pid}`);
  const gbps = (((2 * (c.worldSize - 1)) / c.worldSize) * c.megabytes) / 1024 / (c.allReduceMs / 1000);
  lines.push(`  all-reduce of ${c.megabytes} MB: ${c.allReduceMs.toFixed(1)} ms (bus bandwidth ${gbps.toFixed(2)} GB/s)`);
  lines.push('  ok: every rank sees every other rank');
  return lines.join('\n');
}
