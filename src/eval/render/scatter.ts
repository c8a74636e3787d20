import { plotFrame, finiteExtent } from './axes.js';
import type { Point } from './linePlot.js';
import { r, rasterizeSvg, svgDocument, svgText, textWidth } from './svg.js';

export interface ScatterOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  points: readonly Point[];
  /** Text shown in a box at the top left of the plot, e.g. `Pearson r = 0.41 (n = 1012)`. */
  annotation?: string;
  /** Draw the least-squares line y = a + b·x through the points. */
  trendLine?: boolean;
  width?: number;
  height?: number;
  pixelRatio?: number;
}

/** Ordinary least squares fit y = a + b·x; undefined when x has no spread. */
export function leastSquares(points: readonly Point[]): { a: number; b: number } | undefined {
  const n = points.length;
  if (n < 2) return undefined;
  const mx = points.reduce((s, p) => s + p[0], 0) / n;
  const my = points.reduce((s, p) => s + p[1], 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const [x, y] of points) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
  }
  if (sxx === 0) return undefined;
  const b = sxy / sxx;
  return { a: my - b * mx, b };
}

/** Builds the SVG of a scatter plot; point opacity falls with the count so dense clouds stay readable. */
export function scatterSvg(o: ScatterOptions): string {
  const width = o.width ?? 640;
  const height = o.height ?? 480;
  const pts = o.points.filter((p) => Number.isFinite(p[0]) && Number.isFinite(p[1]));
  const xr = finiteExtent(pts.map((p) => p[0])) ?? [0, 1];
  const yr = finiteExtent(pts.map((p) => p[1])) ?? [0, 1];
  const f = plotFrame({ ...o, width, height, xRange: xr, yRange: yr });
  const alpha = Math.max(0.15, Math.min(0.8, 40 / Math.sqrt(pts.length + 1)));
  const parts: string[] = [f.svg];
  const dots = pts.map((p) => `<circle cx="${r(f.sx(p[0]))}" cy="${r(f.sy(p[1]))}" r="3"/>`).join('');
  parts.push(`<g fill="#1f77b4" fill-opacity="${alpha.toFixed(2)}">${dots}</g>`);
  const fit = o.trendLine ? leastSquares(pts) : undefined;
  if (fit) {
    const x0 = xr[0];
    const x1 = xr[1];
    parts.push(
      `<clipPath id="plot"><rect x="${f.left}" y="${f.top}" width="${r(f.right - f.left)}" height="${r(f.bottom - f.top)}"/></clipPath>` +
        `<line x1="${r(f.sx(x0))}" y1="${r(f.sy(fit.a + fit.b * x0))}" x2="${r(f.sx(x1))}" y2="${r(f.sy(fit.a + fit.b * x1))}" stroke="#d62728" stroke-width="2" stroke-dasharray="7 4" clip-path="url(#plot)"/>`,
    );
  }
  if (o.annotation) {
    const w = textWidth(o.annotation, 13) + 16;
    parts.push(`<rect x="${f.left + 10}" y="${f.top + 10}" width="${r(w)}" height="24" rx="3" fill="#ffffff" fill-opacity="0.9" stroke="#999"/>`);
    parts.push(svgText(f.left + 18, f.top + 27, o.annotation, { size: 13 }));
  }
  return svgDocument(width, height, parts.join(''));
}

/** Renders a scatter plot (prior σ vs rater disagreement) to PNG. */
export function renderScatter(o: ScatterOptions): Buffer {
  return rasterizeSvg(scatterSvg(o), o.pixelRatio ?? 2);
}
