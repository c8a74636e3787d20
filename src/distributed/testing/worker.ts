// One rank of the two-process tests (processGroup.test.ts): runs a scenario, prints one JSON line.
// Usage: RANK=… WORLD_SIZE=… MASTER_ADDR=127.0.0.1 MASTER_PORT=… node worker.js <scenario>
import { readDistEnv } from '../env.js';
import { ProcessGroup } from '../processGroup.js';
import { GradReducer } from '../gradReducer.js';
import { shardRange, shardWeight } from '../shard.js';
import { scope, keep, tensor, type Tensor } from '../../tensor/index.js';

const scenario = process.argv[2] ?? '';
const env = readDistEnv();
if (env === null) throw new Error('worker needs WORLD_SIZE/RANK/MASTER_ADDR');
const out = (v: unknown): void => void process.stdout.write(`${JSON.stringify(v)}\n`);
const timeoutMs = Number(process.env.TEST_TIMEOUT_MS ?? 20_000);
const t0 = performance.now();

function collectives(pg: ProcessGroup): void {
  scope(() => {
    const r = pg.rank;
    const a = tensor([r + 1, 2 * (r + 1)], [2]); // rank 0: [1, 2], rank 1: [2, 4]
    const b = tensor([10 * r, 1, 1, 1, 1, 1], [2, 3]);
    pg.allReduce([a, b], 'sum');
    const c = tensor([r + 1], [1]);
    pg.allReduce([c], 'avg');
    const d = tensor([r === 1 ? 7 : -1, r], [2]);
    pg.broadcast([d], 1);
    const e = tensor([r + 0.5], [1]);
    pg.allReduceAsync(e, 'sum').wait();
    const numbers = pg.sumNumbers([r, 1e-9 * r, 1]);
    pg.barrier();
    out({
      a: [...a.toFloat32Array()],
      b: [...b.toFloat32Array()],
      c: [...c.toFloat32Array()],
      d: [...d.toFloat32Array()],
      e: [...e.toFloat32Array()],
      numbers,
    });
  });
}

// A small least-squares model: the reduced gradient of each rank's shard must equal the
// gradient of the whole batch computed in one process, for uneven and empty shards too.
function reducer(pg: ProcessGroup, overlap: boolean, bucketMb: number, n: number): number {
  const params = [
    tensor(
      Float32Array.from({ length: 12 }, (_, i) => Math.sin(i)),
      [3, 4],
    ),
    tensor([0.1, -0.2, 0.3, 0.4], [4]),
    tensor([0.5], [1]),
  ].map((p) => keep(p.setRequiresGrad()));
  const [w, bias, s] = params as [Tensor, Tensor, Tensor];
  const x = keep(
    tensor(
      Float32Array.from({ length: 3 * Math.max(n, 1) }, (_, i) => Math.cos(1.3 * i)),
      [Math.max(n, 1), 3],
    ),
  ); // [N, 3]
  const loss = (rows: Tensor): Tensor => rows.matmul(w).add(bias).mul(s).square().sum([1]).mean(); // batch mean
  const red = new GradReducer(pg, params, { overlap, bucketMb });
  const { start, end } = shardRange(n, pg.rank, pg.size);
  const mine = scope(() => {
    for (const p of params) p.zeroGrad();
    red.begin(shardWeight(n, pg.rank, pg.size));
    if (end > start) loss(x.slice(0, start, end)).backward();
    red.end();
    return params.map((p) => [...(p.grad as Tensor).toFloat32Array()]);
  });
  const ref = scope(() => {
    for (const p of params) p.zeroGrad();
    loss(x.slice(0, 0, n)).backward(); // hooks are not armed outside begin/end
    return params.map((p) => [...(p.grad as Tensor).toFloat32Array()]);
  });
  if (red.bucketSizes.reduce((a, b) => a + b, 0) !== 17) throw new Error(`bucket sizes ${red.bucketSizes}`);
  return Math.max(...mine.flatMap((g, i) => g.map((v, j) => Math.abs(v - (ref[i]?.[j] as number)))));
}

const pg = new ProcessGroup(env, { timeoutMs });
if (scenario === 'collectives') collectives(pg);
else if (scenario === 'reducer') {
  const cases = [
    { overlap: true, bucketMb: 25, n: 8 },
    { overlap: true, bucketMb: 20 / 2 ** 20, n: 5 }, // ~20 bytes: one bucket per parameter
    { overlap: false, bucketMb: 20 / 2 ** 20, n: 5 },
    { overlap: true, bucketMb: 25, n: 1 }, // rank 1's shard is empty
    { overlap: false, bucketMb: 25, n: 1 },
  ];
  out({ maxDiff: cases.map((c) => reducer(pg, c.overlap, c.bucketMb, c.n)) });
} else if (scenario === 'die') {
  pg.barrier();
  if (pg.rank === 1) process.exit(3);
  try {
    scope(() => pg.allReduce([tensor([1], [1])]));
    out({ error: null });
  } catch (err) {
    out({ error: `${(err as Error).name}: ${(err as Error).message}`, ms: performance.now() - t0 });
  }
} else if (scenario === 'stuck') {
  pg.barrier();
  if (pg.rank === 1)
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, timeoutMs * 3); // alive but silent
  else {
    const tStart = performance.now();
    try {
      scope(() => pg.allReduce([tensor([1], [1])]));
      out({ error: null });
    } catch (err) {
      out({ error: (err as Error).message, ms: performance.now() - tStart });
    }
  }
  process.exit(0);
}
pg.barrier();
pg.close();
