// Bench (issue 7 part 4): GED (excl + incl) + Hungarian IoU for 1,000 images × 16 samples ×
// 4 raters at 128×128, flowseg vs numpy/scipy (bench/metrics_ref.py) on the same masks, one run.
//   npx tsc -p . && node dist/bench/metrics.js [--images 1000]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gedFromPairwise, hungarianIouFromPairwise, pairwiseIou } from '../src/metrics/index.js';
import { threadEnv } from './threadEnv.js';

export interface MetricsBenchOptions {
  images?: number;
  samples?: number;
  raters?: number;
  size?: number;
  python?: string;
}

export interface MetricsBenchResult {
  bench: 'metrics_ged_hmiou';
  images: number;
  samples: number;
  raters: number;
  size: number;
  threads: 1;
  flowseg_s: number;
  numpy_s: number | null;
  /** numpy_s / flowseg_s: > 1 means flowseg is faster. */
  ratio: number | null;
  target_s: 5;
  /** Largest |flowseg − numpy| over all per-image values (NaN positions must agree). */
  max_abs_diff: number | null;
  ged_excl_mean: number;
  ged_incl_mean: number;
  hm_iou_mean: number;
  numpy_error?: string;
}

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Fills an axis-aligned ellipse; nodules in LIDC crops are a few to ~15 px across at 128². */
function fillEllipse(mask: Uint8Array, size: number, cx: number, cy: number, rx: number, ry: number): void {
  const x0 = Math.max(0, Math.floor(cx - rx));
  const x1 = Math.min(size - 1, Math.ceil(cx + rx));
  const y0 = Math.max(0, Math.floor(cy - ry));
  const y1 = Math.min(size - 1, Math.ceil(cy + ry));
  for (let y = y0; y <= y1; y++) {
    const dy = (y - cy) / ry;
    for (let x = x0; x <= x1; x++) {
      const dx = (x - cx) / rx;
      if (dx * dx + dy * dy <= 1) mask[y * size + x] = 1;
    }
  }
}

/** One image's masks: a lesion outlined with jitter, ~10% all-empty raters, ~15% empty samples. */
function makeImage(rand: () => number, samples: number, raters: number, size: number): Uint8Array[] {
  const cx = size * (0.3 + 0.4 * rand());
  const cy = size * (0.3 + 0.4 * rand());
  const r = 3 + 11 * rand();
  const noLesion = rand() < 0.1;
  const outline = (jitter: number, pEmpty: number): Uint8Array => {
    const mask = new Uint8Array(size * size);
    if (rand() < pEmpty) return mask;
    const jx = cx + jitter * (rand() - 0.5) * 2;
    const jy = cy + jitter * (rand() - 0.5) * 2;
    fillEllipse(mask, size, jx, jy, r * (0.75 + 0.5 * rand()), r * (0.75 + 0.5 * rand()));
    if (rand() < 0.3) fillEllipse(mask, size, jx + r * (rand() - 0.5), jy + r * (rand() - 0.5), r * 0.5, r * 0.4);
    return mask;
  };
  const out: Uint8Array[] = [];
  for (let j = 0; j < raters; j++) out.push(outline(2, noLesion ? 1 : 0.1));
  for (let i = 0; i < samples; i++) out.push(outline(3, 0.15));
  return out;
}

/** np.packbits(bitorder='little') layout, so the reference reads the very same masks. */
function packBitsLittle(mask: Uint8Array, out: Uint8Array, offset: number): void {
  for (let p = 0; p < mask.length; p++) if (mask[p] !== 0) out[offset + (p >>> 3)] |= 1 << (p & 7);
}

function maxAbsDiff(a: Float64Array, b: ArrayLike<number | null>): number {
  let worst = 0;
  for (let k = 0; k < a.length; k++) {
    const x = a[k];
    const y = b[k];
    if (y === null || Number.isNaN(x)) {
      if (!(y === null && Number.isNaN(x))) return Number.POSITIVE_INFINITY;
      continue;
    }
    worst = Math.max(worst, Math.abs(x - y));
  }
  return worst;
}

const nanMean = (a: Float64Array): number => {
  let s = 0;
  let c = 0;
  for (const v of a) {
    if (Number.isNaN(v)) continue;
    s += v;
    c++;
  }
  return s / c;
};

export function runMetricsBench(options: MetricsBenchOptions = {}): MetricsBenchResult {
  const { images = 1000, samples = 16, raters = 4, size = 128, python = '/usr/bin/python3' } = options;
  const rand = lcg(2024);
  const data = Array.from({ length: images }, () => makeImage(rand, samples, raters, size));

  const gedExcl = new Float64Array(images);
  const gedIncl = new Float64Array(images);
  const hmIou = new Float64Array(images);
  const compute = (i: number): void => {
    const masks = data[i];
    const p = pairwiseIou(masks.slice(raters), masks.slice(0, raters));
    gedExcl[i] = gedFromPairwise(p, { emptyPairs: 'exclude' });
    gedIncl[i] = gedFromPairwise(p, { emptyPairs: 'include' });
    hmIou[i] = hungarianIouFromPairwise(p);
  };
  for (let i = 0; i < Math.min(100, images); i++) compute(i); // JIT warm-up
  const t0 = performance.now();
  for (let i = 0; i < images; i++) compute(i);
  const flowsegS = (performance.now() - t0) / 1000;

  const result: MetricsBenchResult = {
    bench: 'metrics_ged_hmiou',
    images,
    samples,
    raters,
    size,
    threads: 1,
    flowseg_s: flowsegS,
    numpy_s: null,
    ratio: null,
    target_s: 5,
    max_abs_diff: null,
    ged_excl_mean: nanMean(gedExcl),
    ged_incl_mean: nanMean(gedIncl),
    hm_iou_mean: nanMean(hmIou),
  };

  const dir = mkdtempSync(join(tmpdir(), 'flowseg-metrics-bench-'));
  try {
    const perMask = (size * size) >>> 3;
    const masksPerImage = samples + raters;
    const packed = new Uint8Array(images * masksPerImage * perMask);
    data.forEach((masks, i) => {
      masks.forEach((m, k) => {
        packBitsLittle(m, packed, (i * masksPerImage + k) * perMask);
      });
    });
    const file = join(dir, 'masks.bin');
    writeFileSync(file, packed);
    const script = fileURLToPath(new URL('../../bench/metrics_ref.py', import.meta.url));
    const args = [script, file, String(images), String(samples), String(raters), String(size)];
    const env = { ...process.env, ...threadEnv(1), MKL_NUM_THREADS: '1' };
    const run = spawnSync(python, args, { encoding: 'utf8', env, maxBuffer: 64 << 20 });
    if (run.status !== 0) {
      result.numpy_error = (run.error?.message ?? run.stderr).trim().split('\n').slice(-1)[0];
    } else {
      const ref = JSON.parse(run.stdout) as { numpy_s: number; ged_excl: (number | null)[]; ged_incl: (number | null)[]; hm_iou: (number | null)[] };
      result.numpy_s = ref.numpy_s;
      result.ratio = ref.numpy_s / flowsegS;
      result.max_abs_diff = Math.max(maxAbsDiff(gedExcl, ref.ged_excl), maxAbsDiff(gedIncl, ref.ged_incl), maxAbsDiff(hmIou, ref.hm_iou));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return result;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const at = process.argv.indexOf('--images');
  const images = at > 0 ? Number(process.argv[at + 1]) : undefined;
  console.log(JSON.stringify(runMetricsBench({ images })));
}
