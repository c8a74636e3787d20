// Per-op CPU time of one training step of a bench case (default the PU-Net + 2-planar step, batch 8,
// 128², Adam — bench/cases.ts's probunet_planar2_train; or unet_train), flowseg under libtorch's autograd profiler and PyTorch under
// torch.profiler (bench/pytorch/profile_step.py), then the two side by side by op name (issue 29).
//   npx tsc -p . && node dist/bench/profileStep.js [--case unet_train] [--steps 1] [--threads 2] [--top 25] [--memory] [--shapes] [--no-pytorch]
// A warm-up step runs first in both (unprofiled). Profiling adds two events per op, so compare the
// two tables with each other, not with `npm run bench`; time it on a quiet machine.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { cpuAllocatorStats, manualSeed, profileOps, scope, setNumThreads, type OpProfile } from '../src/tensor/index.js';
import { packageRoot } from '../src/util/paths.js';
import { CASES } from './cases.js';
import { threadEnv } from './threadEnv.js';
import { pytorchRuntimes } from './pytorchRuntimes.js';

const PROFILED_CASES = ['probunet_planar2_train', 'unet_train'];

interface Profile {
  ops: OpProfile[];
  stepMs: number;
}

function flowsegProfile(name: string, steps: number, memory: boolean, shapes: boolean): Profile {
  manualSeed(0);
  const [step] = (CASES[name] as () => [() => void, number])();
  step(); // warm-up: the allocator's blocks, oneDNN's primitives
  const t0 = performance.now();
  const { ops } = profileOps(
    () => {
      for (let i = 0; i < steps; i++) scope(step);
    },
    { memory, shapes },
  );
  return { ops, stepMs: (performance.now() - t0) / steps };
}

function pytorchProfile(name: string, steps: number, threads: number, memory: boolean, shapes: boolean): Profile {
  const script = join(packageRoot(), 'bench', 'pytorch', 'profile_step.py');
  const args = [
    script,
    '--json',
    '--case',
    name,
    '--steps',
    String(steps),
    '--threads',
    String(threads),
    ...(memory ? ['--memory'] : []),
    ...(shapes ? ['--shapes'] : []),
  ];
  // PyTorch under its faster allocator, as the bench's baseline (bench/pytorchRuntimes.ts)
  const runtime = pytorchRuntimes().at(-1)?.env ?? {};
  const r = spawnSync('/usr/bin/python3', args, { encoding: 'utf8', env: { ...process.env, ...threadEnv(threads), ...runtime }, maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`profile_step.py failed:\n${r.stderr}`);
  const lines = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, number | string>);
  const last = lines.pop() as { step_ms: number };
  const ops = lines.map((l) => ({
    name: String(l.name),
    calls: Number(l.calls),
    selfUs: Number(l.self_us),
    totalUs: Number(l.total_us),
    selfBytes: Number(l.self_bytes),
  }));
  return { ops, stepMs: last.step_ms };
}

const ms = (us: number, steps: number): string => (us / 1000 / steps).toFixed(1).padStart(9);

function printTable(title: string, p: Profile, steps: number, top: number, memory: boolean): void {
  const selfTotal = p.ops.reduce((s, o) => s + o.selfUs, 0);
  process.stdout.write(`\n${title}: ${p.stepMs.toFixed(1)} ms per profiled step, ${(selfTotal / 1000 / steps).toFixed(1)} ms of op self time\n`);
  process.stdout.write(
    `${'op'.padEnd(64)} ${'calls'.padStart(6)} ${'self ms'.padStart(9)} ${'self %'.padStart(7)} ${'total ms'.padStart(9)}${memory ? '  self MB' : ''}\n`,
  );
  for (const o of p.ops.slice(0, top)) {
    const share = ((100 * o.selfUs) / selfTotal).toFixed(1).padStart(7);
    const mem = memory ? (o.selfBytes / 2 ** 20).toFixed(1).padStart(9) : '';
    process.stdout.write(
      `${o.name.slice(0, 64).padEnd(64)} ${String(o.calls / steps).padStart(6)} ${ms(o.selfUs, steps)} ${share} ${ms(o.totalUs, steps)}${mem}\n`,
    );
  }
}

/** The ops that lead either table, with both engines' self time per step. */
function printSideBySide(ours: Profile, theirs: Profile, steps: number, top: number): void {
  const a = new Map(ours.ops.map((o) => [o.name, o]));
  const b = new Map(theirs.ops.map((o) => [o.name, o]));
  const names = [...new Set([...ours.ops.slice(0, top), ...theirs.ops.slice(0, top)].map((o) => o.name))];
  names.sort((x, y) => Math.max(a.get(y)?.selfUs ?? 0, b.get(y)?.selfUs ?? 0) - Math.max(a.get(x)?.selfUs ?? 0, b.get(x)?.selfUs ?? 0));
  process.stdout.write(`\nside by side, self ms per step (calls per step)\n${'op'.padEnd(64)} ${'flowseg'.padStart(16)} ${'PyTorch'.padStart(16)}\n`);
  const cell = (o: OpProfile | undefined): string => (o ? `${ms(o.selfUs, steps).trim()} (${o.calls / steps})` : '—').padStart(16);
  for (const n of names) process.stdout.write(`${n.slice(0, 64).padEnd(64)} ${cell(a.get(n))} ${cell(b.get(n))}\n`);
}

function main(): void {
  const { values } = parseArgs({
    options: {
      case: { type: 'string', default: PROFILED_CASES[0] },
      steps: { type: 'string', default: '1' },
      threads: { type: 'string', default: '2' },
      top: { type: 'string', default: '25' },
      memory: { type: 'boolean', default: false },
      shapes: { type: 'boolean', default: false },
      'no-pytorch': { type: 'boolean', default: false },
    },
  });
  const name = values.case;
  if (!PROFILED_CASES.includes(name)) throw new Error(`--case: one of ${PROFILED_CASES.join(', ')}, not '${name}'`);
  const steps = Number(values.steps);
  const threads = Number(values.threads);
  const top = Number(values.top);
  setNumThreads(threads);
  const ours = flowsegProfile(name, steps, values.memory, values.shapes);
  printTable(`flowseg (libtorch profiler, ${threads} threads)`, ours, steps, top, values.memory);
  const a = cpuAllocatorStats();
  process.stdout.write(
    `caching allocator: ${(a.peakLiveBytes / 2 ** 20).toFixed(0)} MB peak live in large blocks, ${(a.cachedBytes / 2 ** 20).toFixed(0)} MB cached, ${a.mappedSegments} segments mapped\n`,
  );
  if (values['no-pytorch']) return;
  const theirs = pytorchProfile(name, steps, threads, values.memory, values.shapes);
  printTable(`PyTorch (torch.profiler, ${threads} threads)`, theirs, steps, top, values.memory);
  printSideBySide(ours, theirs, steps, top);
}

main();
