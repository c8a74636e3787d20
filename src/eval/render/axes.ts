import { linearTicks, logTicks, formatTick, type Ticks } from './ticks.js';
import { r, svgText } from './svg.js';

export type AxisScale = 'linear' | 'log';

export interface FrameOptions {
  width: number;
  height: number;
  title: string;
  xLabel: string;
  yLabel: string;
  xRange: readonly [number, number];
  yRange: readonly [number, number];
  yScale?: AxisScale;
  /** `log`: a log10 x axis (e.g. samples 1…16), ticks at powers of 2 over short ranges. */
  xScale?: AxisScale;
  /** Extra room at the right of the plot area (e.g. for a legend). */
  rightMargin?: number;
}

/** A plot area with data → pixel mappings, plus the SVG for its frame, grid, ticks and labels. */
export interface Frame {
  svg: string;
  left: number;
  top: number;
  right: number;
  bottom: number;
  sx: (x: number) => number;
  sy: (y: number) => number;
}

const AXIS = '#444';
const GRID = '#e6e6e6';

/** Draws the title, axis labels, grid lines and ticks for a 2-D plot. */
export function plotFrame(o: FrameOptions): Frame {
  const xLog = o.xScale === 'log' && o.xRange[0] > 0;
  const xt = xLog ? logAxisTicks(o.xRange[0], o.xRange[1]) : linearTicks(o.xRange[0], o.xRange[1]);
  const yLog = o.yScale === 'log' && o.yRange[0] > 0;
  const yt: Ticks = yLog ? logTicks(o.yRange[0], o.yRange[1]) : linearTicks(o.yRange[0], o.yRange[1]);
  const yLabels = yt.values.map((v) => formatTick(v, yt.decimals));
  const yLabelWidth = Math.max(...yLabels.map((s) => s.length)) * 7;
  const left = 34 + yLabelWidth;
  const top = 44;
  const right = o.width - 16 - (o.rightMargin ?? 0);
  const bottom = o.height - 52;
  // x spans the data (plus 2% so end markers clear the frame), ticks only inside: curves
  // over 1…16 samples should not trail off to an empty 20.
  const lx = (x: number): number => (xLog ? Math.log10(x) : x);
  const [xa, xb] = (o.xRange[0] < o.xRange[1] ? o.xRange : [xt.lo, xt.hi]).map(lx);
  const xLo = xa - (xb - xa) * 0.02;
  const xHi = xb + (xb - xa) * 0.02;
  const xTicks = xt.values.filter((v) => lx(v) >= xLo - 1e-9 && lx(v) <= xHi + 1e-9);
  const sx = (x: number): number => left + ((lx(x) - xLo) / (xHi - xLo)) * (right - left);
  const ly = (y: number): number => (yLog ? Math.log10(y) : y);
  const y0 = ly(yt.lo);
  const y1 = ly(yt.hi);
  const sy = (y: number): number => bottom - ((ly(y) - y0) / (y1 - y0 || 1)) * (bottom - top);

  const parts: string[] = [];
  for (const v of xTicks) {
    const x = sx(v);
    parts.push(`<line x1="${r(x)}" y1="${top}" x2="${r(x)}" y2="${bottom}" stroke="${GRID}"/>`);
    parts.push(`<line x1="${r(x)}" y1="${bottom}" x2="${r(x)}" y2="${bottom + 5}" stroke="${AXIS}"/>`);
    parts.push(svgText(x, bottom + 19, formatTick(v, xt.decimals), { size: 12, anchor: 'middle', fill: AXIS }));
  }
  yt.values.forEach((v, i) => {
    const y = sy(v);
    parts.push(`<line x1="${left}" y1="${r(y)}" x2="${right}" y2="${r(y)}" stroke="${GRID}"/>`);
    parts.push(`<line x1="${left - 5}" y1="${r(y)}" x2="${left}" y2="${r(y)}" stroke="${AXIS}"/>`);
    parts.push(svgText(left - 8, y + 4, yLabels[i], { size: 12, anchor: 'end', fill: AXIS }));
  });
  parts.push(`<rect x="${left}" y="${top}" width="${r(right - left)}" height="${r(bottom - top)}" fill="none" stroke="${AXIS}"/>`);
  parts.push(svgText(o.width / 2, 26, o.title, { size: 16, anchor: 'middle', weight: 'bold', fill: '#111' }));
  parts.push(svgText((left + right) / 2, o.height - 14, o.xLabel, { size: 13, anchor: 'middle', fill: '#222' }));
  const yMid = (top + bottom) / 2;
  parts.push(svgText(16, yMid, o.yLabel, { size: 13, anchor: 'middle', fill: '#222', rotate: -90 }));
  return { svg: parts.join(''), left, top, right, bottom, sx, sy };
}

/** Min and max over finite values, or undefined when there are none. */
export function finiteExtent(values: Iterable<number>): [number, number] | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : undefined;
}

/** Ticks of a log x axis: powers of 2 when the range spans ≤ 2¹⁰ (1, 2, 4, 8, 16 samples), else decades. */
function logAxisTicks(min: number, max: number): Ticks {
  if (max / min > 1024) return logTicks(min, max);
  const values: number[] = [];
  for (let k = Math.floor(Math.log2(min)); 2 ** k <= max * (1 + 1e-9); k++) values.push(2 ** k);
  return { lo: values[0], hi: values[values.length - 1], values, decimals: values[0] < 1 ? 2 : 0 };
}
