// One process of the `ddp` bench (bench/ddp.ts): timed training steps of the full PU-Net +
// planar×2 (batch 8 per rank, 128×128, Adam), with the gradients all-reduced in buckets (25 MB)
// when WORLD_SIZE > 1. Prints one JSON line (rank 0).
//   node dist/bench/ddpWorker.js <steps> <warmup> <overlap 0|1> [bucket MB]
import { manualSeed, Optimizer, rand, scope, setNumThreads, getNumThreads, zeros } from '../src/tensor/index.js';
import { DEFAULT_MODEL_CONFIG, ProbUNet } from '../src/models/index.js';
import { readDistEnv } from '../src/distributed/env.js';
import { ProcessGroup } from '../src/distributed/processGroup.js';
import { GradReducer } from '../src/distributed/gradReducer.js';

const [steps = '6', warmup = '2', overlap = '1', bucketMb = '25'] = process.argv.slice(2);
setNumThreads(1);
const env = readDistEnv();
const pg = env ? new ProcessGroup(env, { timeoutMs: 10 * 60_000 }) : null;
manualSeed(0);
const model = new ProbUNet({ ...DEFAULT_MODEL_CONFIG, flow: 'planar', flowSteps: 2 });
const opt = new Optimizer('adam', model.parameters(), { lr: 1e-4, weightDecay: 1e-5 });
const reducer = pg ? new GradReducer(pg, model.parameters(), { overlap: overlap === '1', bucketMb: Number(bucketMb) }) : null;
const x = rand([8, 1, 128, 128]).keepAlive();
const y = rand([8, 1, 128, 128]).gt(0.5).to('float32').keepAlive();

const stepMs: number[] = [];
const commMs: number[] = [];
for (let i = 0; i < Number(warmup) + Number(steps); i++) {
  pg?.barrier(); // ranks start each step together: the step time is the slowest rank's
  const t0 = performance.now();
  scope(() => {
    opt.zeroGrad();
    reducer?.begin(1 / (pg?.size ?? 1));
    model.loss(x, y).loss.backward();
    reducer?.end();
    opt.step();
  });
  if (i < Number(warmup)) continue;
  stepMs.push(performance.now() - t0);
  commMs.push(reducer?.lastCommMs ?? 0);
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const params = model.parameters().reduce((n, p) => n + p.size, 0);
// The all-reduce alone, ranks lined up by a barrier: the step's "not hidden" time above also
// holds one rank waiting for the other's backward.
const pureMs: number[] = [];
if (pg) {
  const flat = zeros([params]).keepAlive(); // [P] all gradients, as one bucket
  for (let i = 0; i < 5; i++) {
    pg.barrier();
    const t0 = performance.now();
    pg.allReduce([flat], 'sum');
    pureMs.push(performance.now() - t0);
  }
}
if ((env?.rank ?? 0) === 0) {
  process.stdout.write(
    `${JSON.stringify({ world: pg?.size ?? 1, threads: getNumThreads(), overlap: overlap === '1', step_ms: median(stepMs), allreduce_ms: median(commMs), allreduce_alone_ms: pg ? median(pureMs) : 0, params, buckets: reducer?.bucketSizes.length ?? 0 })}\n`,
  );
}
pg?.barrier();
pg?.close();
