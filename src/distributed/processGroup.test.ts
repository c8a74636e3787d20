import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from './port.js';

const worker = fileURLToPath(new URL('./testing/worker.js', import.meta.url));

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `ranks` of the world (all by default) as real processes on 127.0.0.1; killed after `limitMs`. */
async function runRanks(scenario: string, opts: { world?: number; ranks?: number[]; timeoutMs?: number; limitMs?: number } = {}): Promise<Ran[]> {
  const world = opts.world ?? 2;
  const port = await freePort();
  const ranks = opts.ranks ?? Array.from({ length: world }, (_, r) => r);
  return Promise.all(
    ranks.map(
      (rank) =>
        new Promise<Ran>((resolve) => {
          const env = {
            ...process.env,
            RANK: String(rank),
            WORLD_SIZE: String(world),
            MASTER_ADDR: '127.0.0.1',
            MASTER_PORT: String(port),
            FLOWSEG_THREADS: '1',
            TEST_TIMEOUT_MS: String(opts.timeoutMs ?? 20_000),
          };
          const child = spawn(process.execPath, [worker, scenario], { env, stdio: ['ignore', 'pipe', 'pipe'] });
          let stdout = '';
          let stderr = '';
          child.stdout.on('data', (d: Buffer) => (stdout += d));
          child.stderr.on('data', (d: Buffer) => (stderr += d));
          const timer = setTimeout(() => child.kill('SIGKILL'), opts.limitMs ?? 60_000);
          child.on('close', (code) => {
            clearTimeout(timer);
            resolve({ code, stdout, stderr });
          });
        }),
    ),
  );
}

const json = (r: Ran): Record<string, unknown> => JSON.parse(r.stdout.trim().split('\n').at(-1) ?? 'null') as Record<string, unknown>;

test('two processes: all-reduce (sum, avg, async), broadcast, barrier over Gloo', async () => {
  const runs = await runRanks('collectives');
  for (const r of runs) assert.equal(r.code, 0, r.stderr);
  for (const r of runs) {
    assert.deepEqual(json(r), { a: [3, 6], b: [10, 2, 2, 2, 2, 2], c: [1.5], d: [7, 1], e: [2], numbers: [1, 1e-9, 2] });
  }
});

test('two processes: bucketed gradient all-reduce = the whole batch in one process (overlap on/off, uneven and empty shards)', async () => {
  const runs = await runRanks('reducer');
  for (const r of runs) assert.equal(r.code, 0, r.stderr);
  for (const r of runs) {
    const { maxDiff } = json(r) as { maxDiff: number[] };
    assert.equal(maxDiff.length, 5);
    for (const d of maxDiff) assert.ok(d < 1e-5, `max |Δgrad| ${maxDiff.join(', ')}`);
  }
});

test('a rank that dies makes the other fail with a clear error, not hang', async () => {
  const [r0, r1] = await runRanks('die', { limitMs: 30_000 });
  assert.equal(r1?.code, 3);
  const { error, ms } = json(r0 as Ran) as { error: string; ms: number };
  assert.match(error, /FlowsegEngineError: all-reduce failed \(a rank died or timed out\?\)/);
  assert.ok(ms < 20_000, `took ${ms} ms`);
});

test('a rank that stays silent makes the other time out after the timeout', async () => {
  // The timeout also bounds the rendezvous: long enough for two node processes to start.
  const [r0] = await runRanks('stuck', { timeoutMs: 5000, limitMs: 40_000 });
  assert.equal(r0?.code, 0, r0?.stderr);
  const { error, ms } = json(r0 as Ran) as { error: string; ms: number };
  assert.match(error, /timed out/i);
  assert.ok(ms >= 4000 && ms < 15_000, `timed out after ${ms} ms`);
});

test('a rendezvous nobody joins fails after the timeout with the address', async () => {
  const [r0] = await runRanks('collectives', { ranks: [0], timeoutMs: 1500, limitMs: 30_000 });
  assert.notEqual(r0?.code, 0);
  assert.match(r0?.stderr ?? '', /rendezvous of rank 0 of 2 at 127\.0\.0\.1:\d+ failed/);
});
