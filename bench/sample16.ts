// Bench (issues 9 and 12): 16 segmentations of one 128×128 image with the default Kohl model
// (filters 32,64,128,192, L = 6, planar×2 — flows are not used when sampling from the prior;
// random weights): the libtorch path (`model.sample`) and onnxruntime-node vs PyTorch doing the
// same work the strong way — U-Net and prior once, the 16 samples through fcomb's split first
// layer in one batched call under inference_mode (bench/pytorch/bench.py --case sample16), its
// 1×1 layers as convolutions (sample16_conv), or that traced, frozen and optimized by TorchScript
// (sample16_frozen); the fastest per round counts. Rounds interleave the three engines so load from
// other processes hits all of them; each round reports a median step, the result is the median
// over rounds. Throughput is samples/s (16 / step).
//   npx tsc -p . && node dist/bench/sample16.js
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { manualSeed, noGrad, rand, scope, setNumThreads, tensor } from '../src/tensor/index.js';
import { DEFAULT_MODEL_CONFIG, ProbUNet } from '../src/models/index.js';
import { priorNoise } from '../src/infer/noise.js';
import { modelToOnnx } from '../src/export/exportOnnx.js';
import { OnnxSampler } from '../src/export/onnxSampler.js';
import { packageRoot } from '../src/util/paths.js';
import { threadEnv } from './threadEnv.js';
import { pytorchRuntimes } from './pytorchRuntimes.js';
import { machinePeak, sampleFlops } from './flops.js';

export interface Sample16Options {
  threads?: number;
  /** Timed budget per engine and round after warm-up. */
  seconds?: number;
  rounds?: number;
  python?: string;
}

export interface Sample16Result {
  bench: 'sample16';
  samples: 16;
  size: 128;
  threads: number;
  rounds: number;
  /** PyTorch with the U-Net features reused across the 16 samples (best of three forms, both OpenMP wait policies and both allocators per round). */
  baseline: 'pytorch-reusing-features';
  flowseg_torch_img_s: number;
  flowseg_onnx_img_s: number;
  pytorch_img_s: number | null;
  /** flowseg / PyTorch throughput: > 1 means flowseg is faster. */
  ratio_torch: number | null;
  ratio_onnx: number | null;
  flowseg_torch_step_ms: number;
  flowseg_onnx_step_ms: number;
  pytorch_step_ms: number | null;
  /** Conv FLOPs of one step (U-Net and prior once, fcomb × 16; bench/flops.ts) per second. */
  gflop_per_step: number;
  flowseg_torch_gflop_s: number;
  flowseg_onnx_gflop_s: number;
  pytorch_gflop_s: number | null;
  /** The machine's fp32 peak on `threads` cores (bench/flops.ts machinePeak), null when unknown. */
  peak_gflop_s: number | null;
  peak_assumption?: string;
  pytorch_error?: string;
}

const N = 16;
const H = 128;
const round = (x: number): number => Math.round(x * 1000) / 1000;

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length;
  return m % 2 ? (s[(m - 1) / 2] as number) : ((s[m / 2 - 1] as number) + (s[m / 2] as number)) / 2;
}

async function medianMs(step: () => unknown, seconds: number, warmup = 2): Promise<number> {
  for (let i = 0; i < warmup; i++) await step();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < 3 || performance.now() - start < seconds * 1000) {
    const t0 = performance.now();
    await step();
    times.push(performance.now() - t0);
  }
  return median(times);
}

function pytorchStepMs(
  python: string,
  benchCase: 'sample16' | 'sample16_conv' | 'sample16_frozen',
  threads: number,
  seconds: number,
  waitPolicy: 'PASSIVE' | 'ACTIVE',
  runtimeEnv: Record<string, string>,
): { ms: number | null; error?: string } {
  const script = join(packageRoot(), 'bench', 'pytorch', 'bench.py');
  const r = spawnSync(python, [script, '--case', benchCase, '--threads', String(threads), '--seconds', String(seconds)], {
    encoding: 'utf8',
    env: { ...process.env, ...threadEnv(threads), OMP_WAIT_POLICY: waitPolicy, ...runtimeEnv },
  });
  if (r.status !== 0) return { ms: null, error: (r.stderr || String(r.error ?? 'failed')).trim().split('\n').pop() };
  const line = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as { step_ms_median: number };
  return { ms: line.step_ms_median };
}

export async function runSample16Bench(options: Sample16Options = {}): Promise<Sample16Result[]> {
  const threads = options.threads ?? 2;
  const seconds = options.seconds ?? 4;
  const rounds = options.rounds ?? 3;
  setNumThreads(threads);
  manualSeed(0);
  const model = new ProbUNet({ ...DEFAULT_MODEL_CONFIG, flow: 'planar', flowSteps: 2 });
  const image = scope(() => rand([H * H]).toFloat32Array());
  const L = model.config.latent;
  const eps = priorNoise(N, L, 0);
  const dir = mkdtempSync(join(tmpdir(), 'fs-bench-'));
  const onnxPath = join(dir, 'model.onnx');
  writeFileSync(onnxPath, modelToOnnx(model, [1, H, H]).bytes);
  const sampler = await OnnxSampler.create(onnxPath, { threads });
  try {
    const torch: number[] = [];
    const onnx: number[] = [];
    const py: number[] = [];
    let pyError: string | undefined;
    for (let r = 0; r < rounds; r++) {
      torch.push(
        await medianMs(
          () => scope(() => noGrad(() => model.sample(tensor(image, [1, 1, H, H]), N, { eps: tensor(eps, [1, N, L]) }).probs.toFloat32Array())),
          seconds,
        ),
      );
      onnx.push(await medianMs(() => sampler.run(image, eps, N), seconds));
      // PyTorch's best of both OpenMP wait policies — active spinning (its default) wins on a quiet
      // box, passive (flowseg's, src/tensor/native.ts) wins 2–4× when other processes load the
      // cores — of both allocators (glibc, tcmalloc: bench/pytorchRuntimes.ts), and of three forms:
      // fcomb's 1×1 layers as GEMMs on channels-last pixels or as convolutions (which wins depends
      // on the BLAS and oneDNN kernels of the machine; bench/pytorch/models.py Fcomb.sample), and
      // the conv form traced, frozen and optimized for inference by TorchScript (frozen_sampler)
      const attempts = (['sample16', 'sample16_conv', 'sample16_frozen'] as const).flatMap((benchCase) =>
        (['ACTIVE', 'PASSIVE'] as const).flatMap((policy) =>
          pytorchRuntimes().map((rt) => pytorchStepMs(options.python ?? '/usr/bin/python3', benchCase, threads, seconds, policy, rt.env)),
        ),
      );
      const ok = attempts.flatMap((p) => (p.ms === null ? [] : [p.ms]));
      if (ok.length > 0) py.push(Math.min(...ok));
      else pyError = attempts[0]?.error;
    }
    const torchMs = median(torch);
    const onnxMs = median(onnx);
    const pyMs = py.length > 0 ? median(py) : null;
    const rate = (ms: number): number => round(N / (ms / 1000));
    const pyRate = pyMs === null ? null : rate(pyMs);
    const gflop = sampleFlops(model.config, H, H, N) / 1e9;
    const gflopS = (ms: number): number => round(gflop / (ms / 1000));
    const peak = machinePeak(threads);
    return [
      {
        bench: 'sample16',
        samples: N,
        size: H,
        threads,
        rounds,
        baseline: 'pytorch-reusing-features',
        flowseg_torch_img_s: rate(torchMs),
        flowseg_onnx_img_s: rate(onnxMs),
        pytorch_img_s: pyRate,
        ratio_torch: pyMs === null ? null : round(pyMs / torchMs),
        ratio_onnx: pyMs === null ? null : round(pyMs / onnxMs),
        flowseg_torch_step_ms: round(torchMs),
        flowseg_onnx_step_ms: round(onnxMs),
        pytorch_step_ms: pyMs,
        gflop_per_step: round(gflop),
        flowseg_torch_gflop_s: gflopS(torchMs),
        flowseg_onnx_gflop_s: gflopS(onnxMs),
        pytorch_gflop_s: pyMs === null ? null : gflopS(pyMs),
        peak_gflop_s: peak ? round(peak.gflops) : null,
        ...(peak ? { peak_assumption: peak.assumption } : {}),
        ...(pyError ? { pytorch_error: pyError } : {}),
      },
    ];
  } finally {
    await sampler.release();
    model.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const line of await runSample16Bench()) process.stdout.write(`${JSON.stringify(line)}\n`);
}
