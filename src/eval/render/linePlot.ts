import { plotFrame, finiteExtent, type AxisScale } from './axes.js';
import { SERIES_COLOURS } from './colormap.js';
import { esc, r, rasterizeSvg, svgDocument, svgText, textWidth } from './svg.js';

export type Point = readonly [number, number];

export interface LineSeries {
  name: string;
  points: readonly Point[];
  /** Dashed stroke (e.g. validation next to training, "incl" next to "excl"). */
  dashed?: boolean;
  /** CSS colour; defaults to the next colour of the Tableau-10 cycle. */
  colour?: string;
  /** A shaded band [x, lo, hi] around the line (e.g. ± 1 std), drawn under all lines. */
  band?: readonly (readonly [number, number, number])[];
}

/** A legend line; by default each series is its own entry. */
export interface LegendEntry {
  name: string;
  colour: string;
  dashed?: boolean;
}

export interface LinePlotOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly LineSeries[];
  yScale?: AxisScale;
  xScale?: AxisScale;
  /** Legend entries replacing the per-series default (e.g. one per fold plus a line-style key). */
  legend?: readonly LegendEntry[];
  /** Logical size in CSS pixels; the PNG is `pixelRatio` times larger. */
  width?: number;
  height?: number;
  pixelRatio?: number;
}

function seriesColour(s: LineSeries, i: number): string {
  return s.colour ?? SERIES_COLOURS[i % SERIES_COLOURS.length];
}

/** Builds the SVG of a line plot (axes, grid, ticks, legend at the right). */
export function linePlotSvg(o: LinePlotOptions): string {
  const width = o.width ?? 720;
  const height = o.height ?? 420;
  const usable = (p: Point): boolean => Number.isFinite(p[0]) && Number.isFinite(p[1]) && (o.yScale !== 'log' || p[1] > 0) && (o.xScale !== 'log' || p[0] > 0);
  const bandPoints = (s: LineSeries): Point[] =>
    (s.band ?? [])
      .flatMap(([x, lo, hi]): Point[] => [
        [x, lo],
        [x, hi],
      ])
      .filter(usable);
  const all = o.series.flatMap((s) => [...s.points.filter(usable), ...bandPoints(s)]);
  const xr = finiteExtent(all.map((p) => p[0])) ?? [0, 1];
  const yr = finiteExtent(all.map((p) => p[1])) ?? [0, 1];
  const legend: LegendEntry[] = o.legend ? [...o.legend] : o.series.map((s, i) => ({ name: s.name, colour: seriesColour(s, i), dashed: s.dashed }));
  const legendW = legend.length ? Math.max(...legend.map((e) => textWidth(e.name, 12))) + 44 : 0;
  const f = plotFrame({ ...o, width, height, xRange: xr, yRange: yr, rightMargin: legendW });
  const parts: string[] = [
    f.svg,
    `<clipPath id="plot"><rect x="${f.left}" y="${f.top}" width="${r(f.right - f.left)}" height="${r(f.bottom - f.top)}"/></clipPath>`,
  ];
  o.series.forEach((s, i) => {
    const band = (s.band ?? []).filter(([x, lo, hi]) => usable([x, lo]) && usable([x, hi]));
    if (band.length < 2) return;
    const upper = band.map(([x, , hi]) => `${r(f.sx(x))} ${r(f.sy(hi))}`);
    const lower = band.map(([x, lo]) => `${r(f.sx(x))} ${r(f.sy(lo))}`).reverse();
    parts.push(`<path d="M${[...upper, ...lower].join('L')}Z" fill="${esc(seriesColour(s, i))}" fill-opacity="0.14" stroke="none" clip-path="url(#plot)"/>`);
  });
  o.series.forEach((s, i) => {
    const colour = seriesColour(s, i);
    const dash = s.dashed ? ' stroke-dasharray="7 4"' : '';
    // A non-finite point breaks the line rather than joining across the gap.
    let d = '';
    let pen = false;
    for (const p of s.points) {
      if (!usable(p)) {
        pen = false;
        continue;
      }
      d += `${pen ? 'L' : 'M'}${r(f.sx(p[0]))} ${r(f.sy(p[1]))}`;
      pen = true;
    }
    if (d) {
      parts.push(`<path d="${d}" fill="none" stroke="${esc(colour)}" stroke-width="2" stroke-linejoin="round"${dash} clip-path="url(#plot)"/>`);
    }
    const finite = s.points.filter(usable);
    if (finite.length <= 24) {
      for (const p of finite) {
        parts.push(`<circle cx="${r(f.sx(p[0]))}" cy="${r(f.sy(p[1]))}" r="2.6" fill="${esc(colour)}"/>`);
      }
    }
  });
  legend.forEach((e, i) => {
    const ly = f.top + 8 + i * 20;
    const lx = f.right + 16;
    const dash = e.dashed ? ' stroke-dasharray="7 4"' : '';
    parts.push(`<line x1="${lx}" y1="${ly}" x2="${lx + 24}" y2="${ly}" stroke="${esc(e.colour)}" stroke-width="2"${dash}/>`);
    parts.push(svgText(lx + 30, ly + 4, e.name, { size: 12 }));
  });
  return svgDocument(width, height, parts.join(''));
}

/** Renders a line plot (training curves, GED vs number of samples) to PNG. */
export function renderLinePlot(o: LinePlotOptions): Buffer {
  return rasterizeSvg(linePlotSvg(o), o.pixelRatio ?? 2);
}
