/**
 * The conv roof: GFLOP/s of the fastest 3×3 convolution of the Kohl U-Net's shapes through
 * flowseg's engine (libtorch → oneDNN), forward only, batch 8. A measured ceiling beside the
 * theoretical peak (bench/flops.ts machinePeak), whose clock a VM often understates: the share of
 * this roof says how much of what the hardware gives a conv a whole training step reaches.
 */
import { conv2d, noGrad, randn, scope, setNumThreads } from '../src/tensor/index.js';

export interface ConvRoof {
  gflops: number;
  /** [batch, channels, size, size] of the fastest case */
  shape: [number, number, number, number];
}

const CASES: [number, number][] = [
  [32, 128],
  [64, 64],
  [128, 32],
  [192, 16],
];

export function measureConvRoof(threads: number, seconds = 1): ConvRoof {
  setNumThreads(threads);
  let best: ConvRoof = { gflops: 0, shape: [8, 0, 0, 0] };
  for (const [c, s] of CASES) {
    const flop = 2 * 8 * c * c * 9 * s * s;
    const times = scope(() => {
      const x = randn([8, c, s, s]); // [B, C, S, S]
      const w = randn([c, c, 3, 3]);
      const step = (): void => noGrad(() => scope(() => void conv2d(x, w, null, { padding: 1 }).toFloat32Array()));
      for (let i = 0; i < 3; i++) step();
      const ms: number[] = [];
      const start = performance.now();
      while (ms.length < 5 || performance.now() - start < seconds * 1000) {
        const t0 = performance.now();
        step();
        ms.push(performance.now() - t0);
      }
      return ms.sort((a, b) => a - b);
    });
    const gflops = flop / ((times[Math.floor(times.length / 2)] as number) / 1000) / 1e9;
    if (gflops > best.gflops) best = { gflops, shape: [8, c, s, s] };
  }
  return best;
}
