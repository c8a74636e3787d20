// Bench (issue 9 part 5): 16 segmentations of one 128×128 image with the default Kohl model
// (filters 32,64,128,192, L = 6, planar×2 — flows are not used when sampling from the prior;
// random weights) — onnxruntime-node vs the libtorch path (`model.sample`: U-Net once, fcomb
// per sample) vs PyTorch (bench/pytorch/bench.py, which reruns the U-Net per sample as the
// public repos do), in one run. Throughput is samples/s (16 / median step), as bench.py reports.
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

export interface Sample16Options {
  threads?: number;
  /** Timed budget per engine after warm-up. */
  seconds?: number;
  python?: string;
}

export interface Sample16Result {
  bench: 'sample16';
  samples: 16;
  size: 128;
  threads: number;
  flowseg_torch_img_s: number;
  flowseg_onnx_img_s: number;
  pytorch_img_s: number | null;
  /** flowseg / PyTorch throughput: > 1 means flowseg is faster. */
  ratio_torch: number | null;
  ratio_onnx: number | null;
  flowseg_torch_step_ms: number;
  flowseg_onnx_step_ms: number;
  pytorch_step_ms: number | null;
  pytorch_error?: string;
}

const N = 16;
const H = 128;
const round = (x: number): number => Math.round(x * 1000) / 1000;

async function medianMs(step: () => unknown, seconds: number, warmup = 2): Promise<number> {
  for (let i = 0; i < warmup; i++) await step();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < 3 || performance.now() - start < seconds * 1000) {
    const t0 = performance.now();
    await step();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const m = times.length;
  return m % 2 ? (times[(m - 1) / 2] as number) : ((times[m / 2 - 1] as number) + (times[m / 2] as number)) / 2;
}

function pytorchStepMs(python: string, threads: number, seconds: number): { ms: number | null; error?: string } {
  const script = join(packageRoot(), 'bench', 'pytorch', 'bench.py');
  const r = spawnSync(python, [script, '--case', 'sample16', '--threads', String(threads), '--seconds', String(seconds)], {
    encoding: 'utf8',
    env: { ...process.env, OMP_NUM_THREADS: String(threads) },
  });
  if (r.status !== 0) return { ms: null, error: (r.stderr || String(r.error ?? 'failed')).trim().split('\n').pop() };
  const line = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as { step_ms_median: number };
  return { ms: line.step_ms_median };
}

export async function runSample16Bench(options: Sample16Options = {}): Promise<Sample16Result[]> {
  const threads = options.threads ?? 2;
  const seconds = options.seconds ?? 5;
  setNumThreads(threads);
  manualSeed(0);
  const model = new ProbUNet({ ...DEFAULT_MODEL_CONFIG, flow: 'planar', flowSteps: 2 });
  const image = scope(() => rand([H * H]).toFloat32Array());
  const eps = priorNoise(N, model.config.latent, 0);
  const dir = mkdtempSync(join(tmpdir(), 'fs-bench-'));
  const onnxPath = join(dir, 'model.onnx');
  writeFileSync(onnxPath, modelToOnnx(model, [1, H, H]).bytes);
  const sampler = await OnnxSampler.create(onnxPath, { threads });
  try {
    const torchMs = await medianMs(
      () => scope(() => noGrad(() => model.sample(tensor(image, [1, 1, H, H]), N, { eps: tensor(eps, [1, N, 6]) }).probs.toFloat32Array())),
      seconds,
    );
    const onnxMs = await medianMs(() => sampler.run(image, eps, N), seconds);
    const py = pytorchStepMs(options.python ?? '/usr/bin/python3', threads, seconds);
    const rate = (ms: number): number => round(N / (ms / 1000));
    const pyRate = py.ms === null ? null : rate(py.ms);
    return [{
      bench: 'sample16',
      samples: N,
      size: H,
      threads,
      flowseg_torch_img_s: rate(torchMs),
      flowseg_onnx_img_s: rate(onnxMs),
      pytorch_img_s: pyRate,
      ratio_torch: pyRate === null ? null : round(rate(torchMs) / pyRate),
      ratio_onnx: pyRate === null ? null : round(rate(onnxMs) / pyRate),
      flowseg_torch_step_ms: round(torchMs),
      flowseg_onnx_step_ms: round(onnxMs),
      pytorch_step_ms: py.ms,
      ...(py.error ? { pytorch_error: py.error } : {}),
    }];
  } finally {
    await sampler.release();
    model.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const line of await runSample16Bench()) process.stdout.write(`${JSON.stringify(line)}\n`);
}
