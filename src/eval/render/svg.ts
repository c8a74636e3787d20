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

/** A rectangle of a figure (logical px, integers) and the SVG elements that draw inside it. */
export interface SvgRegion {
  x: number;
  y: number;
  width: number;
  height: number;
  /** The elements with ink in the rectangle; each must lie wholly inside it (nothing clips them). */
  elements: readonly string[];
}

const PACK_GAP = 4;

/**
 * The pixels of a `width`×`height` figure whose only ink lies in `regions`, as RGB [height,
 * width, 3] with white elsewhere: the same pixels as rasterizing the whole figure (integer
 * offsets keep anti-aliasing identical), but resvg only draws and copies the regions, packed
 * side by side into one small canvas (a 2150×936 sample grid: ~0.2 of 2 megapixels). Later
 * regions overwrite earlier ones where they overlap: an overlap must be blank in the earlier one.
 */
export function rasterizeSvgRegions(width: number, height: number, regions: readonly SvgRegion[]): Uint8Array {
  const rgb = new Uint8Array(width * height * 3).fill(255); // [height, width, 3]
  // Shelf packing: left to right, a new shelf when the row is full.
  const placed: { region: SvgRegion; px: number; py: number }[] = [];
  let [px, py, shelf, packedW] = [0, 0, 0, 0];
  for (const region of regions) {
    if (region.width < 1 || region.height < 1) continue;
    if (px > 0 && px + region.width > width) [px, py, shelf] = [0, py + shelf + PACK_GAP, 0];
    placed.push({ region, px, py });
    packedW = Math.max(packedW, px + region.width);
    px += region.width + PACK_GAP;
    shelf = Math.max(shelf, region.height);
  }
  const packedH = py + shelf;
  if (placed.length === 0) return rgb;
  // Moved by an integer translation, not clipped: a clip would render each region into a layer
  // and composite it (±2 levels); the gaps keep one region's anti-aliasing out of the next.
  const nested = placed.map(({ region: g, px: x, py: y }) => `<g transform="translate(${x - g.x} ${y - g.y})">${g.elements.join('')}</g>`);
  const canvas = rasterizeSvgPixels(svgDocument(packedW, packedH, nested.join(''))); // [packedH, packedW, 4], opaque
  for (const { region: g, px: x0, py: y0 } of placed) {
    const w = Math.min(g.width, width - g.x);
    for (let y = 0; y < g.height && g.y + y < height; y++) {
      let s = ((y0 + y) * packedW + x0) * 4;
      let d = ((g.y + y) * width + g.x) * 3;
      for (let x = 0; x < w; x++, s += 4, d += 3) {
        rgb[d] = canvas[s] as number;
        rgb[d + 1] = canvas[s + 1] as number;
        rgb[d + 2] = canvas[s + 2] as number;
      }
    }
  }
  return rgb;
}

function resvgOf(svg: string, pixelRatio: number): Resvg {
  return new Resvg(svg, {
    font: { loadSystemFonts: false, fontFiles: bundledFonts(), defaultFontFamily: FONT_FAMILY },
    fitTo: { mode: 'zoom', value: pixelRatio },
    imageRendering: 1, // nearest neighbour: keep embedded mask pixels crisp
    background: '#ffffff',
  });
}
