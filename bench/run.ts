// `npm run bench`: flowseg vs PyTorch (Debian python3-torch, same models, same threads), measured
// back to back in the same run, rounds interleaved; prints one JSON line per case with medians.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../src/util/paths.js';
import { threadEnv } from './threadEnv.js';
import { pytorchRuntimes } from './pytorchRuntimes.js';
import { measureConvRoof, type ConvRoof } from './convRoof.js';
import { caseFlopsPerImage, machinePeak } from './flops.js';
import { DEFAULT_MODEL_CONFIG } from '../src/models/config.js';

interface Measurement {
  img_s: number;
  rss_mb: number;
}

const root = packageRoot();
const threads = Number(process.env.FLOWSEG_BENCH_THREADS ?? 2);
const seconds = Number(process.env.FLOWSEG_BENCH_SECONDS ?? 8);
const rounds = Number(process.env.FLOWSEG_BENCH_ROUNDS ?? 3);
const PYTHON = '/usr/bin/python3';

function run(cmd: string, args: string[], env: Record<string, string> = {}): Measurement {
  const r = spawnSync(cmd, args, {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, ...threadEnv(threads), ...env },
  });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${r.stderr}`);
  const line = r.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as Measurement;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? (s[(s.length - 1) / 2] as number) : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};

let convRoof: ConvRoof | undefined;

function compare(name: string): Record<string, unknown> {
  convRoof ??= measureConvRoof(threads);
  const roof = convRoof;
  const ours: Measurement[] = [];
  const runtimes = pytorchRuntimes();
  const theirs = new Map<string, Measurement[]>(runtimes.map((rt) => [rt.name, []]));
  for (let r = 0; r < rounds; r++) {
    ours.push(run(process.execPath, [join(root, 'dist', 'bench', 'cases.js'), name, String(seconds), '2', String(threads)]));
    for (const rt of runtimes) {
      theirs
        .get(rt.name)
        ?.push(
          run(
            PYTHON,
            [join(root, 'bench', 'pytorch', 'bench.py'), '--case', name, '--threads', String(threads), '--seconds', String(seconds), '--warmup', '2'],
            rt.env,
          ),
        );
    }
  }
  const f = median(ours.map((m) => m.img_s));
  const fr = median(ours.map((m) => m.rss_mb));
  // The baseline: PyTorch under its faster allocator (bench/pytorchRuntimes.ts); both are printed.
  const byRuntime = [...theirs].map(([runtime, ms]) => ({ runtime, img_s: median(ms.map((m) => m.img_s)), rss_mb: median(ms.map((m) => m.rss_mb)) }));
  const best = byRuntime.reduce((a, b) => (b.img_s > a.img_s ? b : a));
  const p = best.img_s;
  const pr = best.rss_mb;
  // Achieved GFLOP/s from the conv FLOPs of the model (bench/flops.ts; training = 3 × forward).
  const gflopPerImage = caseFlopsPerImage(name, DEFAULT_MODEL_CONFIG, 128, 128) / 1e9;
  const peak = machinePeak(threads);
  return {
    bench: name,
    flowseg_img_s: round(f),
    pytorch_img_s: round(p),
    ratio: round(f / p),
    flowseg_rss_mb: round(fr),
    pytorch_rss_mb: round(pr),
    rss_ratio: round(fr / pr),
    pytorch_allocator: best.runtime,
    pytorch_by_allocator: Object.fromEntries(byRuntime.map((b) => [b.runtime, { img_s: round(b.img_s), rss_mb: round(b.rss_mb) }])),
    gflop_per_image: round(gflopPerImage),
    flowseg_gflop_s: round(f * gflopPerImage),
    pytorch_gflop_s: round(p * gflopPerImage),
    peak_gflop_s: peak ? round(peak.gflops) : null,
    flowseg_share_of_peak: peak ? round((f * gflopPerImage) / peak.gflops) : null,
    conv_roof_gflop_s: round(roof.gflops),
    flowseg_share_of_conv_roof: round((f * gflopPerImage) / roof.gflops),
    pytorch_share_of_conv_roof: round((p * gflopPerImage) / roof.gflops),
    ...(peak ? { peak_assumption: peak.assumption } : {}),
    threads,
    rounds,
  };
}

const round = (x: number): number => Math.round(x * 1000) / 1000;

async function main(): Promise<void> {
  if (!existsSync(PYTHON) || spawnSync(PYTHON, ['-c', 'import torch']).status !== 0) {
    process.stderr.write(
      'bench: /usr/bin/python3 with torch is needed as the reference — run `apt-get install -y python3-torch` (npm run bench does it via setup --with-python)\n',
    );
    process.exit(2);
  }
  const only = process.argv.slice(2);
  const cases = ['unet_train', 'unet_forward', 'probunet_planar2_train'].filter((c) => only.length === 0 || only.includes(c));
  for (const c of cases) process.stdout.write(`${JSON.stringify(compare(c))}\n`);
  if (only.length === 0 || only.includes('sample16')) {
    // 16 samples of one image: flowseg (U-Net once, libtorch and onnxruntime) vs PyTorch recomputing the U-Net per sample.
    const { runSample16Bench } = await import('./sample16.js');
    for (const line of await runSample16Bench()) process.stdout.write(`${JSON.stringify(line)}\n`);
  }
  if (only.length === 0 || only.includes('sample_at')) {
    // `flowseg sample --engine onnx --at` on a 512² DICOM slice, end to end (target ≤ 1 s).
    const { runSampleAtBench } = await import('./sampleAt.js');
    process.stdout.write(`${JSON.stringify(await runSampleAtBench())}\n`);
  }
  if (only.length === 0 || only.includes('lidc_learning')) {
    // Learning per CPU-minute on real data against a plain PyTorch loop (skips without ../shared).
    const { runLidcLearningBench } = await import('./lidcLearning.js');
    const line = await runLidcLearningBench();
    if (line) process.stdout.write(`${JSON.stringify(line)}\n`);
  }
  if (only.length === 0 || only.includes('eval_speed')) {
    // 1,000 images × 16 samples vs 1,000 U-Net forwards (extrapolated from a few dozen images).
    const r = spawnSync(process.execPath, [join(root, 'dist', 'bench', 'evalSpeed.js')], { cwd: root, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`bench eval_speed failed:\n${r.stderr}`);
    process.stdout.write(`${r.stdout.trim().split('\n').pop()}\n`);
  }
  if (only.length === 0 || only.includes('browser_sample16')) {
    // One click in headless Chromium: 16 samples on onnxruntime-web (WebGPU or wasm, printed), target ≤ 300 ms.
    const { runBrowserBench } = await import('./browser.js');
    const line = await runBrowserBench();
    if (line) process.stdout.write(`${JSON.stringify(line)}\n`);
  }
  if (only.length === 0 || only.includes('metrics')) {
    const { runMetricsBench } = await import('./metrics.js');
    process.stdout.write(`${JSON.stringify(await runMetricsBench())}\n`);
  }
  if (only.length === 0 || only.includes('ddp')) {
    // Data-parallel step: 2 processes × 1 thread vs 1 × 1 (all-reduce share, scaling efficiency, overlap on/off).
    const { runDdpBench } = await import('./ddp.js');
    for (const line of await runDdpBench()) process.stdout.write(`${JSON.stringify(line)}\n`);
  }
}

await main();
