/**
 * The embedded synthetic ambiguous dataset: blurred blobs with a faint lobe, plus noise.
 * Each item has a known distribution over plausible masks (its `modes`), and every rater
 * draws one mode from it, so rater disagreement is known and set by `disagreement`; a
 * model's samples can be scored against the true distribution, not only the raters.
 */
import { checkLimit, checkPixels } from '../util/limits.js';
import { Rng } from '../util/rng.js';
import type { ReaderOptions } from './types.js';
import type { DataItem, Dataset, ItemStream } from './types.js';

export interface SyntheticOptions {
  items?: number;
  seed?: number;
  /** Side length in pixels. */
  size?: number;
  raters?: number;
  /** 0 = all raters agree on the full blob; 1 = maximal ambiguity. Scaled per item. */
  disagreement?: number;
  /** Slices per pseudo-patient, so patient-level splits are exercised. */
  itemsPerPatient?: number;
}

export interface MaskMode {
  name: 'full' | 'core' | 'outline' | 'empty';
  /** `[H, W]` 0/1. */
  mask: Uint8Array;
  probability: number;
}

export type SyntheticDataset = Dataset & { modes(index: number): MaskMode[] };

export const SYNTHETIC_DEFAULTS = { items: 1000, seed: 0, size: 64, raters: 4, disagreement: 0.5, itemsPerPatient: 4 };

export function syntheticDataset(options: SyntheticOptions = {}): SyntheticDataset {
  const o = { ...SYNTHETIC_DEFAULTS, ...stripUndefined(options) };
  checkPixels(o.size, o.size, 'synthetic data (--size)', 'choose a smaller --size');
  checkLimit('maxItems', o.items, `synthetic data: ${o.items} items`, 'choose fewer items');
  checkLimit('maxRaters', o.raters, `synthetic data: ${o.raters} raters`);
  const ids = Array.from({ length: o.items }, (_, i) => `synthetic-${i}`);
  const patientIds = ids.map((_, i) => `synthetic-patient-${Math.floor(i / o.itemsPerPatient)}`);
  return {
    shape: {
      items: o.items,
      patients: new Set(patientIds).size,
      channels: 1,
      raters: o.raters,
      height: o.size,
      width: o.size,
    },
    ids,
    patientIds,
    modes: (i) => generate(o, i).modes,
    get(i: number): DataItem {
      if (!(i >= 0 && i < o.items)) throw new RangeError(`synthetic item ${i} is out of range [0, ${o.items})`);
      const { image, modes, rng } = generate(o, i);
      const n = o.size * o.size;
      const masks = new Uint8Array(o.raters * n); // [R, H, W]
      for (let r = 0; r < o.raters; r++) masks.set(drawMode(modes, rng).mask, r * n);
      return { id: ids[i], patientId: patientIds[i], channels: 1, height: o.size, width: o.size, image, raters: o.raters, masks };
    },
  };
}

/** `flowseg prepare --format synthetic synthetic` (the input argument is ignored). */
export async function* readSynthetic(_input: string, options: ReaderOptions = {}): ItemStream {
  const ds = syntheticDataset({ items: options.items, seed: options.seed, size: options.size });
  const n = Math.min(ds.shape.items, options.limit ?? Number.POSITIVE_INFINITY);
  for (let i = 0; i < n; i++) yield ds.get(i);
}

function drawMode(modes: MaskMode[], rng: Rng): MaskMode {
  let u = rng.next();
  for (const m of modes) {
    u -= m.probability;
    if (u < 0) return m;
  }
  return modes[modes.length - 1];
}

type Resolved = typeof SYNTHETIC_DEFAULTS;

function generate(o: Resolved, index: number): { image: Float32Array; modes: MaskMode[]; rng: Rng } {
  const rng = new Rng((o.seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
  const S = o.size;
  const r = S * (0.12 + 0.08 * rng.next());
  const cx = S * (0.35 + 0.3 * rng.next());
  const cy = S * (0.35 + 0.3 * rng.next());
  const aspect = 0.75 + 0.5 * rng.next();
  const angle = 2 * Math.PI * rng.next();
  const lx = cx + Math.cos(angle) * r * 1.1; // lobe sits on the blob's rim
  const ly = cy + Math.sin(angle) * r * 1.1;
  const lr = r * (0.45 + 0.2 * rng.next());
  const inBlob = (x: number, y: number, grow: number): boolean => ((x - cx) / (r * grow)) ** 2 + ((y - cy) / (r * grow * aspect)) ** 2 <= 1;
  const inLobe = (x: number, y: number): boolean => (x - lx) ** 2 + (y - ly) ** 2 <= lr * lr;

  const n = S * S;
  const core = new Uint8Array(n);
  const full = new Uint8Array(n);
  const outline = new Uint8Array(n);
  const shapes = new Float32Array(n); // [H, W] intensity before blur: the lobe is faint
  for (let y = 0; y < S; y++) {
    for (let x = 0; x < S; x++) {
      const i = y * S + x;
      const b = inBlob(x + 0.5, y + 0.5, 1);
      const l = inLobe(x + 0.5, y + 0.5);
      core[i] = b ? 1 : 0;
      full[i] = b || l ? 1 : 0;
      outline[i] = inBlob(x + 0.5, y + 0.5, 1.3) || l ? 1 : 0;
      shapes[i] = b ? 0.55 : l ? 0.18 : 0;
    }
  }
  const image = boxBlur(boxBlur(shapes, S, 2), S, 2);
  for (let i = 0; i < n; i++) image[i] = clamp01(0.2 + image[i] + 0.04 * rng.normal());

  // Per-item ambiguity around the dataset level, so some items are clear and some are not.
  const d = clamp01(o.disagreement * (0.5 + rng.next()));
  const modes: MaskMode[] = [
    { name: 'full', mask: full, probability: 1 - 0.75 * d },
    { name: 'core', mask: core, probability: 0.35 * d },
    { name: 'outline', mask: outline, probability: 0.25 * d },
    { name: 'empty', mask: new Uint8Array(n), probability: 0.15 * d },
  ];
  return { image, modes: modes.filter((m) => m.probability > 0), rng };
}

/** Separable box blur of radius k (two passes ≈ a Gaussian), edges clamped. */
function boxBlur(src: Float32Array, S: number, k: number): Float32Array {
  const tmp = new Float32Array(src.length);
  const out = new Float32Array(src.length);
  const w = 2 * k + 1;
  for (let y = 0; y < S; y++) {
    for (let x = 0; x < S; x++) {
      let s = 0;
      for (let d = -k; d <= k; d++) s += src[y * S + Math.min(S - 1, Math.max(0, x + d))];
      tmp[y * S + x] = s / w;
    }
  }
  for (let y = 0; y < S; y++) {
    for (let x = 0; x < S; x++) {
      let s = 0;
      for (let d = -k; d <= k; d++) s += tmp[Math.min(S - 1, Math.max(0, y + d)) * S + x];
      out[y * S + x] = s / w;
    }
  }
  return out;
}

function clamp01(v: number): number {
  return Math.min(1, Math.max(0, v));
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
