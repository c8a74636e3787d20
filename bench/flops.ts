// FLOPs of the benchmarked models, counted from the architecture (issue 29: the bench prints each
// engine's achieved GFLOP/s beside the machine's peak). Only convolutions are counted — a k×k conv
// from Cin to Cout channels on an H×W map is 2·Cin·Cout·k²·H·W FLOPs (a multiply and an add per
// weight and pixel; bias, ReLU, pooling, interpolation, the flows and the loss are under 1% and
// left out). fcomb is counted in the form both engines compute it: the first layer's feature half
// (F→F per pixel) once per image, its latent half (L→F) once per sample, the later 1×1 convs per
// sample and pixel. A training step is counted as 3× the forward (the usual approximation: the
// backward computes the input and the weight gradient, each about one forward).
import { readFileSync } from 'node:fs';
import type { ModelConfig } from '../src/models/config.js';
import { FCOMB_LAYERS } from '../src/models/constants.js';

/** The part of the model config the count depends on. */
export type FlopConfig = Pick<ModelConfig, 'inChannels' | 'filters' | 'convsPerBlock' | 'latent'>;

/** FLOPs of one k×k conv (stride 1, same padding) on an h×w map. */
export function convFlops(cin: number, cout: number, k: number, h: number, w: number): number {
  return 2 * cin * cout * k * k * h * w;
}

/** One block of `convs` 3×3 convs (the first cin→cout, the rest cout→cout) at h×w. */
function blockFlops(cin: number, cout: number, convs: number, h: number, w: number): number {
  return convFlops(cin, cout, 3, h, w) + (convs - 1) * convFlops(cout, cout, 3, h, w);
}

/** The encoder path (block i at H/2^i) of an image with `cin` channels, one image. */
export function downPathFlops(c: FlopConfig, cin: number, h: number, w: number): number {
  return c.filters.reduce((sum, f, i) => sum + blockFlops(i === 0 ? cin : (c.filters[i - 1] as number), f, c.convsPerBlock, h >> i, w >> i), 0);
}

/** Kohl's U-Net (no head), one image of h×w. */
export function unetFlops(c: FlopConfig, h: number, w: number): number {
  const f = c.filters;
  let up = 0;
  for (let l = f.length - 2; l >= 0; l--) up += blockFlops((f[l + 1] as number) + (f[l] as number), f[l] as number, c.convsPerBlock, h >> l, w >> l);
  return downPathFlops(c, c.inChannels, h, w) + up;
}

/** A prior or posterior encoder: the down path and the 1×1 head on the pooled features. */
export function encoderFlops(c: FlopConfig, cin: number, h: number, w: number): number {
  return downPathFlops(c, cin, h, w) + convFlops(c.filters[c.filters.length - 1] as number, 2 * c.latent, 1, 1, 1);
}

/** fcomb for `samples` latent draws of one h×w image (the split first layer, see the top). */
export function fcombFlops(c: FlopConfig, h: number, w: number, samples: number): number {
  const f = c.filters[0] as number;
  const perImage = convFlops(f, f, 1, h, w);
  const perSample = convFlops(c.latent, f, 1, 1, 1) + (FCOMB_LAYERS - 1) * convFlops(f, f, 1, h, w) + convFlops(f, 1, 1, h, w);
  return perImage + samples * perSample;
}

/** Forward FLOPs per image of each benchmark case; training cases are ×3 (see the top). */
export function caseFlopsPerImage(name: string, c: FlopConfig, h: number, w: number): number {
  switch (name) {
    case 'unet_train':
      return 3 * (unetFlops(c, h, w) + convFlops(c.filters[0] as number, 1, 1, h, w));
    case 'unet_forward':
      return unetFlops(c, h, w);
    case 'probunet_planar2_train':
      return 3 * (unetFlops(c, h, w) + encoderFlops(c, c.inChannels, h, w) + encoderFlops(c, c.inChannels + 1, h, w) + fcombFlops(c, h, w, 1));
    default:
      throw new Error(`no FLOP count for bench case '${name}'`);
  }
}

/** 16 (or n) samples of one image: U-Net and prior once, fcomb for every sample. */
export function sampleFlops(c: FlopConfig, h: number, w: number, samples: number): number {
  return unetFlops(c, h, w) + encoderFlops(c, c.inChannels, h, w) + fcombFlops(c, h, w, samples);
}

export interface MachinePeak {
  /** fp32 GFLOP/s of `threads` cores at `mhz`. */
  gflops: number;
  mhz: number;
  flopPerCycle: number;
  /** Where the clock came from and what was assumed. */
  assumption: string;
}

/**
 * The fp32 peak of `threads` cores: FLOP per cycle and core — 32 for AVX2+FMA (Zen 3: 2 FMA units
 * × 8 lanes × 2 FLOP), 64 with AVX-512 (2 FMA units × 16 lanes × 2: Zen 5, Intel server cores;
 * Zen 4 runs 512-bit FMAs at half that rate, so there it is an overestimate) — times the clock:
 * cpufreq's maximum when the kernel exposes it, else /proc/cpuinfo's "cpu MHz" (in a VM usually
 * the nominal clock; a boosting core runs faster, so the peak is then an underestimate, which
 * the bench's measured conv roof shows). null without AVX2+FMA or /proc/cpuinfo.
 */
export function machinePeak(threads: number, read: (path: string) => string = (p) => readFileSync(p, 'utf8')): MachinePeak | null {
  let cpuinfo: string;
  try {
    cpuinfo = read('/proc/cpuinfo');
  } catch {
    return null;
  }
  const flags = /^flags\s*:\s*(.*)$/m.exec(cpuinfo)?.[1]?.split(/\s+/) ?? [];
  if (!flags.includes('avx2') || !flags.includes('fma')) return null;
  let mhz: number | undefined;
  let source = '';
  try {
    mhz = Number(read('/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq').trim()) / 1000;
    source = 'cpufreq max';
  } catch {
    const all = [...cpuinfo.matchAll(/^cpu MHz\s*:\s*([\d.]+)/gm)].map((m) => Number(m[1]));
    if (all.length > 0) {
      mhz = Math.max(...all);
      source = '/proc/cpuinfo cpu MHz';
    }
  }
  if (!mhz || !Number.isFinite(mhz)) return null;
  const avx512 = flags.includes('avx512f');
  const flopPerCycle = avx512 ? 64 : 32;
  const units = avx512 ? 'AVX-512: 2 FMA units × 16 lanes × 2' : 'AVX2: 2 FMA units × 8 lanes × 2';
  return {
    gflops: (flopPerCycle * mhz * threads) / 1000,
    mhz,
    flopPerCycle,
    assumption: `${threads} cores × ${mhz.toFixed(0)} MHz (${source}) × ${flopPerCycle} fp32 FLOP/cycle (${units})`,
  };
}
