// Bench (issue 12): is evaluation (K images × 16 samples, every metric) within 2× the time of K
// U-Net forwards? Default Kohl model (DEFAULT_MODEL_CONFIG, random weights), synthetic 128²
// images with 4 raters, libtorch engine. Rounds interleave the measurements so load from other
// processes hits all of them; medians over rounds. Reports per-image times and the ratios to
// U-Net forwards at batch 1 (the fastest way to run them here, the strict baseline) and in
// evaluate's batches of 16 images. Extrapolate linearly to 1,000 images (everything is per image).
//   npx tsc -p . && node dist/bench/evalSpeed.js [images=48] [rounds=3]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manualSeed, noGrad, scope, setNumThreads, tensor } from '../src/tensor/index.js';
import { DEFAULT_MODEL_CONFIG, ProbUNet } from '../src/models/index.js';
import { DEFAULT_TRAIN, type TrainConfig } from '../src/train/index.js';
import { syntheticDataset } from '../src/data/synthetic.js';
import { defaultImageBatch, evaluate } from '../src/eval/evaluate.js';
import { TorchSampler } from '../src/eval/torchSampler.js';

const SIZE = 128;
const SAMPLES = 16;
const EVAL_BATCH = defaultImageBatch(SAMPLES); // evaluate's default image batch for 16 samples
// evaluate is also timed at these image batches (FLOWSEG_BENCH_EVAL_BATCHES=1,4 → [1, 4])
const OTHER_BATCHES = (process.env.FLOWSEG_BENCH_EVAL_BATCHES ?? '1,4')
  .split(',')
  .filter((x) => x !== '')
  .map(Number)
  .filter((b) => b !== EVAL_BATCH);

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? (s[(s.length - 1) / 2] as number) : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};
const round = (x: number): number => Math.round(x * 10) / 10;
/** a / b to two decimals */
const ratio = (a: number, b: number): number => Math.round((a / b) * 100) / 100;

function timeMs(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

function main(): void {
  const [images = 48, rounds = 3] = process.argv.slice(2).map(Number);
  setNumThreads(Number(process.env.FLOWSEG_BENCH_THREADS ?? 2));
  manualSeed(0);
  const modelConfig = { ...DEFAULT_MODEL_CONFIG };
  const model = new ProbUNet(modelConfig);
  const config: TrainConfig = {
    ...DEFAULT_TRAIN,
    data: 'synthetic',
    variant: 'probunet',
    modelConfig,
    synthetic: { items: images, size: SIZE, disagreement: 0.5 },
  };
  const data = syntheticDataset({ items: images, size: SIZE });
  const pixels = Array.from({ length: images }, (_, i) => data.get(i).image); // [1, H, W] each
  const dir = mkdtempSync(join(tmpdir(), 'fs-evalspeed-'));
  const unet1: number[] = [];
  const unet16: number[] = [];
  const dataGet: number[] = [];
  const evaluation: number[] = [];
  const evaluationAt = new Map<number, number[]>(OTHER_BATCHES.map((b) => [b, []]));
  try {
    for (let r = 0; r < rounds; r++) {
      unet1.push(
        timeMs(() => {
          for (const x of pixels) scope(() => noGrad(() => model.unet.forward(tensor(x, [1, 1, SIZE, SIZE])).toFloat32Array()));
        }),
      );
      unet16.push(
        timeMs(() => {
          for (let s = 0; s < images; s += EVAL_BATCH) {
            const batch = pixels.slice(s, s + EVAL_BATCH);
            const flat = new Float32Array(batch.length * SIZE * SIZE);
            batch.forEach((x, k) => {
              flat.set(x, k * SIZE * SIZE);
            });
            scope(() => noGrad(() => model.unet.forward(tensor(flat, [batch.length, 1, SIZE, SIZE])).toFloat32Array()));
          }
        }),
      );
      dataGet.push(
        timeMs(() => {
          for (let i = 0; i < images; i++) data.get(i);
        }),
      );
      evaluation.push(
        timeMs(() => {
          evaluate({ sampler: new TorchSampler(model), config, split: 'all', samples: SAMPLES, out: join(dir, `eval-${r}`), seed: 0, examples: 0 });
        }),
      );
      for (const [b, times] of evaluationAt) {
        times.push(
          timeMs(() => {
            evaluate({
              sampler: new TorchSampler(model),
              config,
              split: 'all',
              samples: SAMPLES,
              out: join(dir, `eval-${r}-b${b}`),
              seed: 0,
              examples: 0,
              imageBatch: b,
            });
          }),
        );
      }
    }
  } finally {
    model.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
  const perImage = (xs: number[]): number => round(median(xs) / images);
  const e = median(evaluation);
  process.stdout.write(
    `${JSON.stringify({
      bench: 'eval_speed',
      images,
      rounds,
      samples: SAMPLES,
      size: SIZE,
      filters: modelConfig.filters,
      threads: Number(process.env.FLOWSEG_BENCH_THREADS ?? 2),
      unet_forward_ms_per_image_batch1: perImage(unet1),
      unet_forward_ms_per_image_batch16: perImage(unet16),
      synthetic_data_get_ms_per_image: perImage(dataGet),
      evaluate_ms_per_image: perImage(evaluation),
      evaluate_image_batch: EVAL_BATCH,
      evaluate_ms_per_image_at_image_batch: Object.fromEntries([...evaluationAt].map(([b, times]) => [b, perImage(times)])),
      ratio_eval_to_unet_batch1_at_image_batch: Object.fromEntries([...evaluationAt].map(([b, times]) => [b, ratio(median(times), median(unet1))])),
      ratio_eval_to_unet_batch1: ratio(e, median(unet1)),
      ratio_eval_to_unet_batch16: ratio(e, median(unet16)),
      extrapolated_1000_images_s: { evaluate: round(e / images), unet_batch1: round(median(unet1) / images), unet_batch16: round(median(unet16) / images) },
    })}\n`,
  );
}

main();
