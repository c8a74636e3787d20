import { Resvg } from '@resvg/resvg-js';
import { join } from 'node:path';
import { packageRoot } from '../../util/paths.js';

/** The font every figure uses; shipped with the package so figures look the same on any host. */
export const FONT_FAMILY = 'DejaVu Sans';

let fontFiles: string[] | undefined;
function bundledFonts(): string[] {
  if (!fontFiles) {
    const dir = join(packageRoot(), 'assets', 'fonts'); // the two DejaVu faces, with their licence
    fontFiles = [join(dir, 'DejaVuSans.ttf'), join(dir, 'DejaVuSans-Bold.ttf')];
  }
  return fontFiles;
}

/** Escapes text for SVG/HTML element content and attribute values. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Rough advance width of `text` in DejaVu Sans (≈ 0.56 em per glyph); for layout only. */
export function textWidth(text: string, fontSize: number): number {
  return text.length * fontSize * 0.56;
}

export interface TextOptions {
  size?: number;
  anchor?: 'start' | 'middle' | 'end';
  weight?: 'normal' | 'bold';
  fill?: string;
  rotate?: number;
  baseline?: 'auto' | 'middle' | 'hanging';
}

/** An SVG `<text>` element at (x, y). */
export function svgText(x: number, y: number, text: string, o: TextOptions = {}): string {
  const rot = o.rotate ? ` transform="rotate(${o.rotate} ${x} ${y})"` : '';
  const base = o.baseline && o.baseline !== 'auto' ? ` dominant-baseline="${o.baseline}"` : '';
  return (
    `<text x="${r(x)}" y="${r(y)}" font-size="${o.size ?? 12}" text-anchor="${o.anchor ?? 'start'}"` +
    ` font-weight="${o.weight ?? 'normal'}" fill="${o.fill ?? '#222'}"${base}${rot}>${esc(text)}</text>`
  );
}

/** Rounds a coordinate to 0.01 px so the SVG stays short and deterministic. */
export function r(v: number): string {
  return String(Math.round(v * 100) / 100);
}

/** Wraps body elements in an `<svg>` root of the given logical size with a white background. */
export function svgDocument(width: number, height: number, body: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
    `viewBox="0 0 ${width} ${height}" font-family="${FONT_FAMILY}">` +
    `<rect width="${width}" height="${height}" fill="#ffffff"/>${body}</svg>`
  );
}

/** Rasterizes an SVG string to PNG, `pixelRatio` device pixels per logical pixel. */
export function rasterizeSvg(svg: string, pixelRatio = 1): Buffer {
  return resvgOf(svg, pixelRatio).render().asPng();
}

/** Rasterizes an SVG string at 1:1 to RGBA pixels [height, width, 4] (opaque: white background). */
export function rasterizeSvgPixels(svg: string): Uint8Array {
  return resvgOf(svg, 1).render().pixels;
}

function resvgOf(svg: string, pixelRatio: number): Resvg {
  return new Resvg(svg, {
    font: { loadSystemFonts: false, fontFiles: bundledFonts(), defaultFontFamily: FONT_FAMILY },
    fitTo: { mode: 'zoom', value: pixelRatio },
    imageRendering: 1, // nearest neighbour: keep embedded mask pixels crisp
    background: '#ffffff',
  });
}
