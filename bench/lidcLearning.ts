// `npm run bench lidc_learning`: does flowseg learn LIDC as fast per CPU-minute as a plain
// PyTorch loop? Both train the same model (ProbUNet + 2-planar, flowseg's defaults) for the same
// wall-clock budget with the same threads, side by side; flowseg with its defaults (validation,
// checkpoints included), PyTorch with no validation on train+val. Both are then scored by the
// same `flowseg evaluate` on the held-out test patients of flowseg's split.
//   env: FLOWSEG_BENCH_LEARN_MINUTES (default 10), FLOWSEG_BENCH_LEARN_THREADS (default 1 each),
//        FLOWSEG_BENCH_LEARN_IMAGES (test images scored, default all), FLOWSEG_BENCH_LEARN_DATA (a prepared LIDC folder).
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createModel } from '../src/models/create.js';
import { freshTrainState, readRunConfig, runFile, runSummaryFile, saveCheckpoint, writeRunConfig } from '../src/run/index.js';
import { loadSafetensors } from '../src/tensor/safetensors.js';
import { packageRoot } from '../src/util/paths.js';
import { threadEnv } from './threadEnv.js';
import { pytorchRuntimes } from './pytorchRuntimes.js';

const root = packageRoot();
const bin = join(root, 'bin', 'flowseg.js');
const PYTHON = '/usr/bin/python3';

interface Proc {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], env: Record<string, string>): Promise<Proc> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function must(p: Proc, what: string): Proc {
  if (p.code !== 0) throw new Error(`${what} failed (exit ${p.code}):\n${p.stderr.slice(-2000)}`);
  return p;
}

async function waitFor(path: string, ms: number): Promise<void> {
  const t0 = Date.now();
  while (!existsSync(path)) {
    if (Date.now() - t0 > ms) throw new Error(`${path} did not appear within ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A flowseg run folder around PyTorch's weights (same config and split as flowseg's run), for `flowseg evaluate`. */
function wrapPytorchRun(flowsegRun: string, weights: string, out: string): void {
  mkdirSync(out, { recursive: true });
  const config = readRunConfig(runFile(flowsegRun, 'config'));
  const model = createModel({ ...config.modelConfig, inChannels: config.inputShape?.[0] ?? 1 });
  const { tensors } = loadSafetensors(weights);
  model.loadStateDict(tensors, weights);
  for (const t of tensors.values()) t.dispose();
  const pytorch = { ...config, variant: `${config.variant} (PyTorch loop)` };
  writeRunConfig(runFile(out, 'config'), pytorch);
  copyFileSync(runFile(flowsegRun, 'split'), runFile(out, 'split'));
  const state = freshTrainState();
  saveCheckpoint(runFile(out, 'best'), model, null, pytorch, state);
  model.dispose();
}

function preparedLidc(work: string): string | null {
  const given = process.env.FLOWSEG_BENCH_LEARN_DATA;
  if (given) return given;
  const tar = join(root, '..', 'shared', 'data', 'lidc-dev.tar');
  if (!existsSync(tar)) return null;
  const out = join(work, 'lidc-dev');
  const r = spawnSync(process.execPath, [bin, 'prepare', '--format', 'lidc-png', tar, '--out', out], { encoding: 'utf8' });
  must({ code: r.status, stdout: r.stdout, stderr: r.stderr }, 'prepare lidc-dev.tar');
  return out;
}

export async function runLidcLearningBench(): Promise<Record<string, unknown> | null> {
  if (spawnSync(PYTHON, ['-c', 'import torch']).status !== 0) {
    process.stderr.write('bench lidc_learning: skipped — /usr/bin/python3 with torch is needed (npm run bench installs python3-torch)\n');
    return null;
  }
  const work = mkdtempSync(join(tmpdir(), 'flowseg-bench-lidc-'));
  try {
    const data = preparedLidc(work);
    if (!data) {
      process.stderr.write('bench lidc_learning: skipped — ../shared/data/lidc-dev.tar is absent (set FLOWSEG_BENCH_LEARN_DATA to a prepared LIDC folder)\n');
      return null;
    }
    const minutes = Number(process.env.FLOWSEG_BENCH_LEARN_MINUTES ?? 10);
    const threads = String(process.env.FLOWSEG_BENCH_LEARN_THREADS ?? 1);
    const env = { FLOWSEG_THREADS: threads, ...threadEnv(threads) };
    const ours = join(work, 'flowseg');
    const theirs = join(work, 'pytorch');
    const weights = join(work, 'pytorch.safetensors');
    const flowseg = run(
      process.execPath,
      [bin, 'train', '--data', data, '--model', 'probunet', '--flow', 'planar', '--flow-steps', '2', '--max-minutes', String(minutes), '--out', ours, '--json'],
      env,
    );
    await waitFor(runFile(ours, 'split'), 120_000); // PyTorch trains on flowseg's train+val patients
    const recipe = readRunConfig(runFile(ours, 'config')); // …with flowseg's optimizer settings
    const pytorchAllocator = pytorchRuntimes().at(-1) ?? { name: 'glibc', env: {} };
    const pytorch = run(
      PYTHON,
      [
        join(root, 'bench', 'pytorch', 'lidc_loop.py'),
        '--data',
        data,
        '--split',
        runFile(ours, 'split'),
        '--minutes',
        String(minutes),
        '--threads',
        threads,
        '--out',
        weights,
        '--lr',
        String(recipe.lr),
        '--lr-schedule',
        recipe.lrSchedule,
        '--warmup-steps',
        String(recipe.warmupSteps),
        '--grad-clip',
        String(recipe.gradClip ?? 'none'),
        '--output-bias',
        recipe.outputBiasInit,
      ],
      // under tcmalloc when installed: on VMs with dear page faults glibc's PyTorch is 2–5× slower
      // (bench/pytorchRuntimes.ts), no fair side-by-side; the line says which allocator it had
      { ...env, ...pytorchAllocator.env },
    );
    const [f, p] = await Promise.all([flowseg, pytorch]);
    const flowsegSteps = JSON.parse(must(f, 'flowseg train').stdout.trim().split('\n').pop() ?? '{}').steps as number;
    const pytorchSteps = JSON.parse(must(p, 'PyTorch loop').stdout.trim().split('\n').pop() ?? '{}').steps as number;
    wrapPytorchRun(ours, weights, theirs);
    const maxImages = process.env.FLOWSEG_BENCH_LEARN_IMAGES ? ['--max-images', process.env.FLOWSEG_BENCH_LEARN_IMAGES] : [];
    const score = async (dir: string): Promise<{ ged_excl: number; ged_incl: number; hm_iou: number; images: number }> => {
      must(
        await run(process.execPath, [bin, 'evaluate', '--checkpoint', dir, '-n', '16', '--json', ...maxImages], { FLOWSEG_THREADS: '2' }),
        `evaluate ${dir}`,
      );
      const s = JSON.parse(readFileSync(runSummaryFile(dir), 'utf8'));
      return { ged_excl: s.ged_excl.mean, ged_incl: s.ged_incl.mean, hm_iou: s.hm_iou.mean, images: s.images };
    };
    const a = await score(ours);
    const b = await score(theirs);
    const r3 = (x: number): number => Math.round(x * 1000) / 1000;
    return {
      bench: 'lidc_learning',
      flowseg_ged_excl: r3(a.ged_excl),
      pytorch_ged_excl: r3(b.ged_excl),
      flowseg_steps: flowsegSteps,
      pytorch_steps: pytorchSteps,
      flowseg_ged_incl: r3(a.ged_incl),
      pytorch_ged_incl: r3(b.ged_incl),
      flowseg_hm_iou: r3(a.hm_iou),
      pytorch_hm_iou: r3(b.hm_iou),
      test_images: a.images,
      minutes,
      threads_each: Number(threads),
      lr: recipe.lr,
      lr_schedule: recipe.lrSchedule,
      grad_clip: recipe.gradClip,
      output_bias: recipe.outputBiasInit,
      pytorch_allocator: pytorchAllocator.name,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
