// Data-parallel training = PyTorch DDP semantics: N ranks × --batch-size b reproduce one
// process × N·b step for step. Real processes on 127.0.0.1, the CLI as users run it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSafetensors } from '../tensor/safetensors.js';
import { FLOWSEG_BIN as bin } from '../testing/cli.js';
import { freePort } from './port.js';

interface Ran {
  code: number | null;
  stderr: string;
}

function start(args: string[], env: Record<string, string> = {}, limitMs = 240_000): { child: ChildProcess; done: Promise<Ran> } {
  const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, FLOWSEG_THREADS: '1', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
  const done = new Promise<Ran>((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    }),
  );
  return { child, done };
}
const flowseg = (args: string[], env: Record<string, string> = {}): Promise<Ran> => start(args, env).done;

/** max |Δ| over every model tensor of two checkpoints (optimizer state and RNG excluded). */
function maxWeightDiff(a: string, b: string): number {
  const ta = loadSafetensors(a).tensors;
  const tb = loadSafetensors(b).tensors;
  let max = 0;
  let compared = 0;
  for (const [name, t] of ta) {
    if (name.startsWith('opt.') || name.startsWith('rng.')) continue;
    const u = tb.get(name);
    assert.ok(u, `${name} missing in ${b}`);
    const x = t.toFloat64Array();
    const y = u.toFloat64Array();
    x.forEach((v, i) => {
      max = Math.max(max, Math.abs(v - (y[i] as number)));
    });
    compared++;
  }
  assert.ok(compared > 10, `only ${compared} model tensors`);
  for (const t of [...ta.values(), ...tb.values()]) t.dispose();
  return max;
}

// Small PU-Net + planar×2 on 16 px synthetic data; 23 training items → the 6th global batch of 4
// is short (3 items: shards of 2 and 1), and an epoch boundary with a sharded validation round
// falls inside the 9 steps. float64 so the comparison measures the method, not float32 rounding.
const common = [
  '--data',
  'synthetic',
  '--synthetic-items',
  '39',
  '--synthetic-size',
  '16',
  '--filters',
  '4,8',
  '--latent',
  '2',
  '--flow',
  'planar',
  '--seed',
  '3',
  '--max-steps',
  '9',
  '--max-val-images',
  '6',
  '--lr',
  '1e-3',
];

test('2 ranks × batch 2 (torchrun env by hand, and --nproc-per-node 2) = 1 process × batch 4, also across --resume; another world size is refused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fs-ddp-'));
  try {
    const cfg = join(dir, 'f64.json');
    writeFileSync(cfg, JSON.stringify({ modelConfig: { dtype: 'float64' } }));
    const single = await flowseg(['train', ...common, '--config', cfg, '--batch-size', '4', '--out', join(dir, 'r1')]);
    assert.equal(single.code, 0, single.stderr);

    const port = String(await freePort());
    const byHand = await Promise.all(
      [0, 1].map((rank) =>
        flowseg(['train', ...common, '--config', cfg, '--batch-size', '2', '--out', join(dir, 'hand')], {
          RANK: String(rank),
          WORLD_SIZE: '2',
          MASTER_ADDR: '127.0.0.1',
          MASTER_PORT: port,
        }),
      ),
    );
    for (const r of byHand) assert.equal(r.code, 0, r.stderr);
    const launched = await flowseg(['train', '--nproc-per-node', '2', ...common, '--config', cfg, '--batch-size', '2', '--out', join(dir, 'r2')]);
    assert.equal(launched.code, 0, launched.stderr);

    const last = (run: string): string => join(dir, run, 'checkpoint-last.safetensors');
    const dHand = maxWeightDiff(last('r1'), last('hand'));
    const dLaunched = maxWeightDiff(last('r1'), last('r2'));
    process.stderr.write(`ddp equivalence (float64, 9 steps): max |Δw| by hand ${dHand.toExponential(2)}, --nproc-per-node ${dLaunched.toExponential(2)}\n`);
    assert.ok(dHand <= 1e-4 && dLaunched <= 1e-4, `max |Δw| ${dHand} / ${dLaunched}`);

    // The log is rank 0's alone, with the global batch's loss.
    const steps = (run: string): number[] =>
      readFileSync(join(dir, run, 'log.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { kind: string; loss?: number })
        .filter((l) => l.kind === 'step')
        .map((l) => l.loss as number);
    const [l1, l2] = [steps('r1'), steps('r2')];
    assert.equal(l2.length, 9);
    l1.forEach((v, i) => {
      assert.ok(Math.abs(v - (l2[i] as number)) <= 1e-6 * Math.abs(v), `step ${i + 1} loss ${v} vs ${l2[i]}`);
    });

    // --resume with the same world size continues exactly; another world size is refused.
    const wrong = await flowseg(['train', '--out', join(dir, 'r2'), '--resume', '--max-steps', '12']);
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /was trained by 2 processes and this run has 1 .*--nproc-per-node 2/);
    const [a, b] = await Promise.all([
      flowseg(['train', '--out', join(dir, 'r1'), '--resume', '--max-steps', '12']),
      flowseg(['train', '--nproc-per-node', '2', '--out', join(dir, 'r2'), '--resume', '--max-steps', '12']),
    ]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    assert.ok(maxWeightDiff(last('r1'), last('r2')) <= 1e-4);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('float32 too: 2 ranks × batch 2 = 1 process × batch 4 on the small model', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fs-ddp-'));
  try {
    const [single, launched] = await Promise.all([
      flowseg(['train', ...common, '--batch-size', '4', '--out', join(dir, 'r1')]),
      flowseg(['train', '--nproc-per-node', '2', ...common, '--batch-size', '2', '--out', join(dir, 'r2')]),
    ]);
    assert.equal(single.code, 0, single.stderr);
    assert.equal(launched.code, 0, launched.stderr);
    const d = maxWeightDiff(join(dir, 'r1', 'checkpoint-last.safetensors'), join(dir, 'r2', 'checkpoint-last.safetensors'));
    process.stderr.write(`ddp equivalence (float32, 9 steps): max |Δw| ${d.toExponential(2)}\n`);
    assert.ok(d <= 1e-4, `max |Δw| ${d}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a worker that dies stops the job with a clear error instead of hanging', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fs-ddp-'));
  try {
    const port = String(await freePort());
    const args = ['train', ...common, '--batch-size', '2', '--max-steps', '200', '--out', join(dir, 'r'), '--dist-timeout', '20'];
    const env = (rank: number): Record<string, string> => ({ RANK: String(rank), WORLD_SIZE: '2', MASTER_ADDR: '127.0.0.1', MASTER_PORT: port });
    const w0 = start(args, env(0), 90_000);
    const w1 = start(args, env(1), 90_000);
    // Once rank 0 has logged two steps, rank 1 dies without a word.
    const log = join(dir, 'r', 'log.jsonl');
    for (let i = 0; i < 600 && !(existsSync(log) && readFileSync(log, 'utf8').split('\n').length > 2); i++) await sleep(100);
    const t0 = performance.now();
    w1.child.kill('SIGKILL');
    const [r0, r1] = await Promise.all([w0.done, w1.done]);
    assert.notEqual(r1.code, 0);
    assert.equal(r0.code, 1, r0.stderr);
    assert.match(r0.stderr, /flowseg train: rank 0 of 2: .*failed \(a rank died or timed out\?\)/);
    assert.ok(performance.now() - t0 < 20_000, `rank 0 took ${performance.now() - t0} ms to give up`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
