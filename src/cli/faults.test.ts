// Fault tests of `flowseg train` (issue 13): kill -9 at random moments then --resume, two
// concurrent trains on one run folder, and a full disk (a small tmpfs, where the machine allows it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FLOWSEG_BIN as bin, runCli as cli } from '../testing/cli.js';
import { Rng } from '../util/rng.js';

const tiny = [
  '--data',
  'synthetic',
  '--synthetic-items',
  '32',
  '--synthetic-size',
  '16',
  '--filters',
  '4,8',
  '--latent',
  '2',
  '--batch-size',
  '4',
  '--max-val-images',
  '4',
  '--val-every',
  '5',
  '--flow',
  'planar',
];

interface StepLine {
  kind: string;
  step: number;
  loss: number;
}
const stepLines = (run: string): StepLine[] =>
  readFileSync(join(run, 'log.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      try {
        return JSON.parse(l) as StepLine;
      } catch {
        return { kind: 'cut', step: -1, loss: Number.NaN };
      }
    })
    .filter((l) => l.kind === 'step');

/** Runs `args` and SIGKILLs it after `ms` unless it ends first; resolves to the exit code (null when killed). */
function runKilledAfter(args: string[], ms: number): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

test('kill -9 at random moments, then --resume: the log has no duplicate step and the same loss curve as an uninterrupted run', async () => {
  const root = mkdtempSync(join(tmpdir(), 'fs-kill-'));
  const steps = 120;
  const reference = join(root, 'ref');
  const t0 = Date.now();
  const r = cli(['train', ...tiny, '--max-steps', String(steps), '--out', reference]);
  const fullMs = Date.now() - t0;
  const t1 = Date.now();
  assert.equal(cli(['train', ...tiny, '--max-steps', '1', '--out', join(root, 'one')]).status, 0);
  const startupMs = Date.now() - t1; // process start, libtorch, data, one step and a validation
  const workMs = Math.max(100, fullMs - startupMs);
  assert.equal(r.status, 0, r.stderr);
  const want = stepLines(reference).map((l) => l.loss);
  assert.equal(want.length, steps);

  const run = join(root, 'run');
  const rng = new Rng(7);
  let kills = 0;
  let done = false;
  for (let attempt = 0; attempt < 60 && !done; attempt++) {
    const resume = existsSync(join(run, 'checkpoint-last.safetensors'));
    const args = ['train', ...(resume ? ['--out', run, '--resume'] : [...tiny, '--max-steps', String(steps), '--out', run])];
    // Early attempts are killed at random moments (startup, steps, validation, checkpoint writes).
    // From mid-startup to ~8% of the training work (both measured above, so a loaded machine still
    // gets kills in startup, steps, validation and checkpoint writes), so no attempt runs to the end.
    const ms = kills < 12 ? Math.round(0.5 * startupMs + rng.int(Math.round(0.5 * startupMs + 0.08 * workMs))) : 300_000;
    const { code, stderr } = await runKilledAfter(args, ms);
    if (code === null) kills++;
    else {
      assert.equal(code, 0, `attempt ${attempt} (${resume ? 'resume' : 'fresh'}) exited ${code}: ${stderr.slice(-600)}`);
      done = true;
    }
  }
  assert.ok(done, 'the run finished');
  assert.ok(kills >= 10, `only ${kills} kills`);
  const got = stepLines(run);
  assert.deepEqual(
    got.map((l) => l.step),
    Array.from({ length: steps }, (_, i) => i + 1),
    'each step exactly once, in order',
  );
  assert.deepEqual(
    got.map((l) => l.loss),
    want,
    'the same loss curve',
  );
  assert.deepEqual(
    readdirSync(run).filter((f) => f.includes('flowseg-tmp') || f === 'run.lock'),
    [],
    'no temp file or lock left',
  );
  rmSync(root, { recursive: true, force: true });
});

test('a second train on a run in use is refused with exit 2, naming the holder', async () => {
  const root = mkdtempSync(join(tmpdir(), 'fs-lock2-'));
  const run = join(root, 'run');
  const first = spawn(process.execPath, [bin, 'train', ...tiny, '--max-steps', '100000', '--out', run], { stdio: 'ignore' });
  try {
    const t0 = Date.now();
    while (!existsSync(join(run, 'checkpoint-last.safetensors')) && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 100));
    const second = cli(['train', '--out', run, '--resume', '--max-steps', '100001']);
    assert.equal(second.status, 2, second.stderr);
    assert.match(second.stderr, new RegExp(`in use by process ${first.pid} on `));
    assert.ok(!second.stderr.includes('    at '), 'no stack trace');
  } finally {
    first.kill('SIGKILL');
  }
  rmSync(root, { recursive: true, force: true });
});

test('a full disk while checkpointing: exit 2, one line saying how much room is needed, the last good checkpoint still resumes', (t) => {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return t.skip('needs root to mount a small tmpfs');
  const mnt = mkdtempSync(join(tmpdir(), 'fs-enospc-'));
  if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mnt]).status !== 0) return t.skip('cannot mount a tmpfs here');
  try {
    const run = join(mnt, 'run');
    assert.equal(cli(['train', ...tiny, '--max-steps', '5', '--out', run]).status, 0);
    // Fill the rest of the disk, then ask for more steps.
    const free = Number(spawnSync('df', ['--output=avail', '-B1', mnt], { encoding: 'utf8' }).stdout.trim().split('\n')[1]);
    mkdirSync(join(mnt, 'ballast'));
    writeFileSync(join(mnt, 'ballast', 'fill'), Buffer.alloc(Math.max(0, free - 16 * 1024)));
    const r = cli(['train', '--out', run, '--resume', '--max-steps', '15']);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr.trim(), /no space left on the device \(this write needs about [\d.]+ MB free\)/);
    assert.equal(
      r.stderr
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('flowseg')).length,
      1,
      r.stderr,
    );
    assert.deepEqual(
      readdirSync(run).filter((f) => f.includes('flowseg-tmp')),
      [],
      'no temp file left',
    );
    rmSync(join(mnt, 'ballast'), { recursive: true });
    const again = cli(['train', '--out', run, '--resume', '--max-steps', '15', '--json']);
    assert.equal(again.status, 0, again.stderr);
    assert.equal(JSON.parse(again.stdout.trim()).steps, 15);
  } finally {
    spawnSync('umount', [mnt]);
    rmSync(mnt, { recursive: true, force: true });
  }
});
