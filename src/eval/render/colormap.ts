/**
 * Perceptually uniform colour maps for uncertainty images. Viridis is matplotlib's default:
 * it reads monotonically in lightness, survives grayscale printing and colour-vision
 * deficiency, so a clinician reads "brighter = more" without a legend lookup.
 */

/** An RGB colour, each channel 0–255. */
export type Rgb = readonly [number, number, number];

// matplotlib viridis sampled at t = 0, 0.1, …, 1; linear interpolation between these
// anchors is visually indistinguishable from the 256-entry table.
const VIRIDIS: readonly Rgb[] = [
  [68, 1, 84],
  [72, 36, 117],
  [65, 68, 135],
  [53, 95, 141],
  [42, 120, 142],
  [33, 145, 140],
  [34, 168, 132],
  [68, 191, 112],
  [122, 209, 81],
  [189, 223, 38],
  [253, 231, 37],
];

/** Viridis colour of `t` in [0, 1] (clamped; NaN maps to the low end). */
export function viridis(t: number): Rgb {
  const x = Number.isFinite(t) ? Math.min(1, Math.max(0, t)) : 0;
  const f = x * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(f));
  const w = f - i;
  const a = VIRIDIS[i];
  const b = VIRIDIS[i + 1];
  return [Math.round(a[0] + (b[0] - a[0]) * w), Math.round(a[1] + (b[1] - a[1]) * w), Math.round(a[2] + (b[2] - a[2]) * w)];
}

/** Maps each value of a scalar map through viridis over [min, max] → interleaved RGB bytes. */
export function applyColormap(values: ArrayLike<number>, range: { min: number; max: number }): Uint8Array {
  const out = new Uint8Array(values.length * 3);
  const span = range.max - range.min || 1;
  for (let i = 0; i < values.length; i++) {
    const c = viridis((values[i] - range.min) / span);
    out[3 * i] = c[0];
    out[3 * i + 1] = c[1];
    out[3 * i + 2] = c[2];
  }
  return out;
}

/** Categorical colours for plot series (Tableau 10, matplotlib's default cycle). */
export const SERIES_COLOURS: readonly string[] = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

/** `#rrggbb` for an RGB triple (for SVG fills). */
export function rgbHex(c: Rgb): string {
  return `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}
