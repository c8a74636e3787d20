// `window.__flowseg`: what the page reports to scripts, the end-to-end tests, the browser bench
// and scripts/viewer-screenshot.mjs.
import type { Window } from './scanView.js';
import type { Shown, Voxel } from './segment.js';

export interface Summary {
  n: number;
  seed: number;
  backend: string;
  /** wasm threads (2+ only on a cross-origin-isolated page) */
  threads: number;
  variant: string;
  height: number;
  width: number;
  /** ε + the one session.run for all n samples */
  ms: number;
  foreground: number[];
  meanSum: number;
  stdSum: number;
  priorMu: number[];
  priorSigma: number[];
  at: Voxel;
  /** crop pixel (0, 0) on the slice, when pasted back */
  window: { x0: number; y0: number; size: number } | null;
  /** foreground pixels of each sample on the slice grid (pasted back) */
  pastedForeground: number[];
  /** results so far on this page (each click adds one) */
  count: number;
  /** crop + mapping + sampling + paste back; the thumbnails and maps; the overlay on the scan (ms) */
  timing: Timing;
}

export interface Timing {
  segmentMs: number;
  panelsMs: number;
  overlayMs: number;
}

export interface Hook {
  ready: boolean;
  error: string | null;
  lastResult: Summary | null;
  /** n samples with this seed at the last point (or the picture's centre) */
  sample(n: number, seed: number): Promise<Summary>;
  segmentAt(x: number, y: number, k: number): Promise<Summary>;
  probs(): number[];
  /** where voxel (x, y, k) is on the page, in CSS pixels */
  voxelToClient(x: number, y: number, k: number): { x: number; y: number } | null;
  window(): Window;
  slice(): number;
  scan(): { name: string; kind: string; nx: number; ny: number; nz: number; units: string } | null;
}

const sum = (a: ArrayLike<number>): number => {
  let t = 0;
  for (let i = 0; i < a.length; i++) t += a[i] as number;
  return t;
};

export function summarize(shown: Shown, variant: string, count: number, timing: Timing): Summary {
  const s = shown.samples;
  return {
    n: s.n,
    seed: s.seed,
    backend: s.backend,
    threads: s.threads,
    variant,
    height: s.height,
    width: s.width,
    ms: s.ms,
    foreground: s.masks.map(sum),
    meanSum: sum(s.mean),
    stdSum: sum(s.std),
    priorMu: s.priorMu,
    priorSigma: s.priorSigma,
    at: shown.at,
    window: shown.pasted ? shown.pasted.crop.window : null,
    pastedForeground: shown.pasted ? shown.pasted.masks.map(sum) : [],
    count,
    timing,
  };
}
