import { applyColormap, viridis, rgbHex, type Rgb } from './colormap.js';
import { encodePng } from './png.js';
import { checkMap, imageToRgb, isEmptyMask, overlayMask } from './panels.js';
import { r, rasterizeSvgRegions, svgText, type SvgRegion } from './svg.js';
import { FlowsegInputError } from '../../util/errors.js';

export interface SampleGridInput {
  /** [H,W] or [C,H,W] (C = 1 or 3), values in [0,1] preferred. */
  image: Float32Array;
  height: number;
  width: number;
  /** Rater masks, 0/1 per pixel [H,W]. */
  raters: readonly Uint8Array[];
  /** Model samples: binary masks or sigmoid probability maps [H,W]; labelled from 0 like sample-00.png and the viewer. */
  samples: readonly (Uint8Array | Float32Array)[];
  /** Per-pixel mean and std of the samples' sigmoid maps [H,W]. */
  mean: Float32Array;
  std: Float32Array;
  title?: string;
  /** Integer upscaling of every panel; default makes panels about 256 px. */
  scale?: number;
  /** Samples per row; default 8. */
  columns?: number;
}

const RATER: Rgb = [255, 165, 0];
const SAMPLE: Rgb = [0, 200, 255];
// Fixed colour ranges so figures of different images compare: a Bernoulli std is ≤ 0.5.
const MEAN_RANGE = { min: 0, max: 1 };
const STD_RANGE = { min: 0, max: 0.5 };
const PAD = 16;
const GAP = 10;
const LABEL = 22;
const BAR_W = 14;
const BAR_BLOCK = BAR_W + 44;

export interface Panel {
  x: number;
  y: number;
  /** [H, W, 3] at the input's size; drawn `scale`× at (x, y + LABEL). */
  rgb: Uint8Array;
  label: string;
}

/** Where everything of the grid goes: the figure's size, the ink regions resvg draws, the panels. */
export function sampleGridLayout(g: SampleGridInput): { width: number; height: number; regions: SvgRegion[]; panels: Panel[]; pw: number; scale: number } {
  const { height: H, width: W } = g;
  if (!Number.isInteger(H) || !Number.isInteger(W) || H < 1 || W < 1) {
    throw new FlowsegInputError(`sample grid: size ${H}×${W} is not a positive integer size`);
  }
  for (const [i, m] of g.raters.entries()) checkMap(`rater ${i + 1}`, m, H, W);
  for (const [i, m] of g.samples.entries()) checkMap(`sample ${i}`, m, H, W);
  checkMap('mean', g.mean, H, W);
  checkMap('std', g.std, H, W);
  const scale = g.scale ?? Math.max(1, Math.round(256 / Math.max(H, W)));
  const cols = g.columns ?? 8;
  const pw = W * scale;
  const ph = H * scale;
  const base = imageToRgb(g.image, H, W);

  const titleH = g.title ? 40 : 6;
  const rowA = PAD + titleH;
  const panels: Panel[] = [{ x: PAD, y: rowA, rgb: base, label: 'image' }];
  g.raters.forEach((m, i) => {
    const label = `rater ${i + 1}${isEmptyMask(m) ? ' (empty)' : ''}`;
    panels.push({ x: PAD + (i + 1) * (pw + GAP), y: rowA, rgb: overlayMask(base, m, H, W, RATER), label });
  });
  const mapsX = PAD + (g.raters.length + 1) * (pw + GAP) + GAP * 2;
  panels.push({ x: mapsX, y: rowA, rgb: applyColormap(g.mean, MEAN_RANGE), label: 'sample mean' });
  const stdX = mapsX + pw + BAR_BLOCK + GAP;
  panels.push({ x: stdX, y: rowA, rgb: applyColormap(g.std, STD_RANGE), label: 'sample std' });
  const rowB = rowA + LABEL + ph + GAP * 2;
  g.samples.forEach((m, i) => {
    const x = PAD + (i % cols) * (pw + GAP);
    const y = rowB + Math.floor(i / cols) * (LABEL + ph + GAP);
    const label = `sample ${i}${isEmptyMask(m) ? ' (empty)' : ''}`;
    panels.push({ x, y, rgb: overlayMask(base, m, H, W, SAMPLE), label });
  });

  const sampleRows = Math.ceil(g.samples.length / cols);
  const width = Math.max(stdX + pw + BAR_BLOCK, PAD + Math.min(cols, g.samples.length) * (pw + GAP) - GAP) + PAD;
  const height = (sampleRows ? rowB + sampleRows * (LABEL + ph + GAP) - GAP : rowA + LABEL + ph) + PAD;
  const labels = (y: number): string[] => panels.filter((p) => p.y === y).map((p) => svgText(p.x + pw / 2, p.y + 15, p.label, { size: 14, anchor: 'middle' }));
  const bars = [colourBar(mapsX + pw + 6, rowA + LABEL, ph, MEAN_RANGE, 'mean'), colourBar(stdX + pw + 6, rowA + LABEL, ph, STD_RANGE, 'std')];
  // Where the ink is (text, colour bars, the rule), each element wholly inside one region; resvg
  // draws only these, the rest is white or panels. A colour bar's region (bar, ticks, tick
  // labels from 6 px above the bar to 8 px below) overlaps the first band only where that is blank.
  const barTop = rowA + LABEL;
  const regions: SvgRegion[] = [
    {
      x: 0,
      y: 0,
      width,
      height: barTop,
      elements: [...(g.title ? [svgText(PAD, PAD + 22, g.title, { size: 20, weight: 'bold', fill: '#111' })] : []), ...labels(rowA)],
    },
    ...[mapsX, stdX].map((x, i) => ({ x: x + pw + 4, y: barTop - 8, width: BAR_BLOCK, height: ph + 18, elements: [bars[i] as string] })),
  ];
  for (let row = 0; row < sampleRows; row++) {
    const y = rowB + row * (LABEL + ph + GAP);
    const rule = `<line x1="${PAD}" y1="${rowB - GAP}" x2="${width - PAD}" y2="${rowB - GAP}" stroke="#ddd"/>`;
    regions.push(
      row === 0
        ? { x: 0, y: rowB - GAP - 2, width, height: LABEL + GAP + 2, elements: [rule, ...labels(y)] }
        : { x: 0, y, width, height: LABEL, elements: labels(y) },
    );
  }
  return { width, height, regions, panels, pw, scale };
}

/**
 * The figure the papers show per test image: the image, each rater's mask, the model's
 * samples (rater masks orange, samples blue, over the image), and the samples' mean and
 * std maps in viridis with colour bars. Returns a PNG.
 *
 * resvg draws only the text, colour bars and rules, and only the bands where they are
 * (`rasterizeSvgRegions`: ~0.3 of the figure's area); the panels are copied into the pixels
 * (nearest-neighbour, integer scale and offsets — what resvg did with embedded PNGs at
 * `imageRendering: optimizeSpeed`) and the whole is encoded once. Embedding 19 panels as PNG
 * data URIs cost an encode and a decode per panel and a second encode of the grid.
 */
export function renderSampleGrid(g: SampleGridInput): Buffer {
  const { width, height, regions, panels, scale } = sampleGridLayout(g);
  const { height: H, width: W } = g;
  const rgb = rasterizeSvgRegions(width, height, regions); // [height, width, 3]
  for (const p of panels) drawPanel(rgb, width, p.rgb, H, W, scale, p.x, p.y + LABEL);
  return encodePng(rgb, height, width);
}

/**
 * Draws an [h, w, 3] panel into the [·, width, 3] canvas with its top-left corner at (x0, y0),
 * each pixel as a scale × scale block (nearest neighbour): one upscaled row, copied scale times.
 */
function drawPanel(canvas: Uint8Array, width: number, panel: Uint8Array, h: number, w: number, scale: number, x0: number, y0: number): void {
  const row = new Uint8Array(w * scale * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0, s = y * w * 3, d = 0; x < w; x++, s += 3) {
      const r = panel[s] as number;
      const g = panel[s + 1] as number;
      const b = panel[s + 2] as number;
      for (let k = 0; k < scale; k++, d += 3) {
        row[d] = r;
        row[d + 1] = g;
        row[d + 2] = b;
      }
    }
    for (let k = 0; k < scale; k++) canvas.set(row, ((y0 + y * scale + k) * width + x0) * 3);
  }
}

/** A vertical viridis colour bar with ticks at min, middle and max. */
function colourBar(x: number, y: number, h: number, range: { min: number; max: number }, id: string): string {
  const stops = Array.from({ length: 11 }, (_, i) => {
    const t = i / 10;
    return `<stop offset="${t}" stop-color="${rgbHex(viridis(1 - t))}"/>`;
  }).join('');
  const parts = [
    `<defs><linearGradient id="cb-${id}" x1="0" y1="0" x2="0" y2="1">${stops}</linearGradient></defs>`,
    `<rect x="${x}" y="${y}" width="${BAR_W}" height="${h}" fill="url(#cb-${id})" stroke="#555" stroke-width="0.8"/>`,
  ];
  for (const t of [0, 0.5, 1]) {
    const v = range.min + t * (range.max - range.min);
    const ty = y + h * (1 - t);
    parts.push(`<line x1="${x + BAR_W}" y1="${r(ty)}" x2="${x + BAR_W + 4}" y2="${r(ty)}" stroke="#555"/>`);
    parts.push(svgText(x + BAR_W + 7, ty + 4, String(Number(v.toFixed(2))), { size: 13, fill: '#333' }));
  }
  return parts.join('');
}
