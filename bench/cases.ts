// flowseg side of `npm run bench`: one case per process (so peak RSS is the case's own),
// the same models, batch sizes and optimizer as bench/pytorch/bench.py.
// Usage: node dist/bench/cases.js <case> <seconds> <warmup> <threads>
import { fileURLToPath } from 'node:url';
import { scope, rand, manualSeed, noGrad, setNumThreads, Optimizer, bceWithLogits, getNumThreads } from '../src/tensor/index.js';
import { DetUNet, ProbUNet, DEFAULT_MODEL_CONFIG } from '../src/models/index.js';

/** One benchmark step, and the images it processes. */
export type Step = () => void;
const H = 128;

function unetTrain(): [Step, number] {
  const model = new DetUNet({ ...DEFAULT_MODEL_CONFIG, model: 'detunet' });
  const opt = new Optimizer('adam', model.parameters(), { lr: 1e-4, weightDecay: 1e-5 });
  const x = rand([8, 1, H, H]).keepAlive();
  const y = rand([8, 1, H, H]).gt(0.5).to('float32').keepAlive();
  return [
    () =>
      scope(() => {
        opt.zeroGrad();
        bceWithLogits(model.logits(x), y, 'mean').backward();
        opt.step();
      }),
    8,
  ];
}

function unetForward(): [Step, number] {
  const model = new DetUNet({ ...DEFAULT_MODEL_CONFIG, model: 'detunet' });
  const x = rand([16, 1, H, H]).keepAlive();
  return [() => scope(() => noGrad(() => void model.unet.forward(x))), 16];
}

function probunetPlanar2Train(): [Step, number] {
  const model = new ProbUNet({ ...DEFAULT_MODEL_CONFIG, flow: 'planar', flowSteps: 2 });
  const opt = new Optimizer('adam', model.parameters(), { lr: 1e-4, weightDecay: 1e-5 });
  const x = rand([8, 1, H, H]).keepAlive();
  const y = rand([8, 1, H, H]).gt(0.5).to('float32').keepAlive();
  return [
    () =>
      scope(() => {
        opt.zeroGrad();
        model.loss(x, y).loss.backward();
        opt.step();
      }),
    8,
  ];
}

/** Each case builds its model and inputs (seeded by the caller) and returns [step, images per step]. */
export const CASES: Record<string, () => [Step, number]> = {
  unet_train: unetTrain,
  unet_forward: unetForward,
  probunet_planar2_train: probunetPlanar2Train,
};

function main(): void {
  const [name = '', seconds = '5', warmup = '2', threads = '2'] = process.argv.slice(2);
  const make = CASES[name];
  if (!make) throw new Error(`unknown bench case '${name}' (${Object.keys(CASES).join(', ')})`);
  setNumThreads(Number(threads));
  manualSeed(0);
  const [step, images] = make();
  for (let i = 0; i < Number(warmup); i++) step();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < 3 || performance.now() - start < Number(seconds) * 1000) {
    const t0 = performance.now();
    step();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const med = times[Math.floor(times.length / 2)] as number;
  const rssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(
    `${JSON.stringify({ case: name, img_s: images / (med / 1000), rss_mb: rssMb, step_ms_median: med, steps: times.length, threads: getNumThreads() })}\n`,
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
