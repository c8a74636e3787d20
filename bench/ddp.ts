// Bench `ddp` (issue 14 part 5): one training step of the full PU-Net + planar×2, batch 8 per
// rank, 2 processes × 1 thread (Gloo over loopback, 25 MB buckets, overlap on and off) against
// 1 process × 1 thread, in the same run. Reports the all-reduce time per step that backward did
// not hide (incl. waiting for the slower rank), its share of the step, the all-reduce of all
// gradients alone (ranks lined up), and the scaling efficiency
// = throughput(2) / (2 × throughput(1)) = step(1) / step(2) at equal batch per rank.
//   npx tsc -p . && node dist/bench/ddp.js
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from '../src/distributed/port.js';

interface WorkerResult {
  world: number;
  overlap: boolean;
  step_ms: number;
  allreduce_ms: number;
  allreduce_alone_ms: number;
  params: number;
  buckets: number;
}

const worker = fileURLToPath(new URL('./ddpWorker.js', import.meta.url));

async function runWorld(world: number, steps: number, overlap: boolean, bucketMb = 25): Promise<WorkerResult> {
  const port = await freePort();
  const outs = await Promise.all(
    Array.from({ length: world }, (_, rank) => {
      const env =
        world === 1
          ? { ...process.env, WORLD_SIZE: '1' }
          : { ...process.env, RANK: String(rank), WORLD_SIZE: String(world), MASTER_ADDR: '127.0.0.1', MASTER_PORT: String(port) };
      const child = spawn(process.execPath, [worker, String(steps), '2', overlap ? '1' : '0', String(bucketMb)], {
        env: { ...env, FLOWSEG_THREADS: '1' },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d));
      const kill = setTimeout(() => child.kill('SIGKILL'), 30 * 60_000);
      return new Promise<string>((resolve, reject) =>
        child.on('close', (code) => {
          clearTimeout(kill);
          if (code === 0) resolve(out);
          else reject(new Error(`ddp bench rank ${rank} of ${world} exited with ${code}`));
        }),
      );
    }),
  );
  return JSON.parse(outs[0]?.trim().split('\n').pop() ?? '') as WorkerResult;
}

const round = (x: number, d = 3): number => Math.round(x * 10 ** d) / 10 ** d;

export async function runDdpBench(steps = Number(process.env.FLOWSEG_BENCH_DDP_STEPS ?? 6)): Promise<Record<string, unknown>[]> {
  const single = await runWorld(1, steps, false);
  const lines: Record<string, unknown>[] = [];
  // DDP's default 25 MB buckets (this model's 20 MB of gradients fit in one, so nothing can
  // overlap), then 4 MB buckets that start while backward still runs, then no overlap at all.
  for (const [overlap, bucketMb] of [
    [true, 25],
    [true, 4],
    [false, 25],
  ] as const) {
    const two = await runWorld(2, steps, overlap, bucketMb);
    lines.push({
      bench: 'ddp',
      overlap,
      bucket_mb: bucketMb,
      ranks: 2,
      threads_per_rank: 1,
      batch_per_rank: 8,
      params: two.params,
      buckets: two.buckets,
      step_ms_1proc: round(single.step_ms, 1),
      step_ms_2proc: round(two.step_ms, 1),
      allreduce_ms_per_step: round(two.allreduce_ms, 1),
      allreduce_share: round(two.allreduce_ms / two.step_ms),
      allreduce_alone_ms: round(two.allreduce_alone_ms, 1),
      scaling_efficiency: round(single.step_ms / two.step_ms),
      steps,
    });
  }
  return lines;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const line of await runDdpBench()) process.stdout.write(`${JSON.stringify(line)}\n`);
}
