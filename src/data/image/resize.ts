/**
 * Plane resizing for readers. Sample positions use pixel centres (`align_corners=False`,
 * as PIL and torch's `interpolate` do), so a 2× downscale averages each 2×2 block exactly.
 */

/** Bilinear resize of `planes` stacked planes: `[P, H, W]` → `[P, outH, outW]`. */
export function resizeBilinear(src: Float32Array, planes: number, height: number, width: number, outHeight: number, outWidth: number): Float32Array {
  if (height === outHeight && width === outWidth) return src;
  const ys = axisTaps(height, outHeight);
  const xs = axisTaps(width, outWidth);
  const out = new Float32Array(planes * outHeight * outWidth); // [P, outH, outW]
  for (let p = 0; p < planes; p++) {
    const base = p * height * width;
    const obase = p * outHeight * outWidth;
    for (let y = 0; y < outHeight; y++) {
      const r0 = base + ys.lo[y] * width;
      const r1 = base + ys.hi[y] * width;
      const fy = ys.frac[y];
      for (let x = 0; x < outWidth; x++) {
        const x0 = xs.lo[x];
        const x1 = xs.hi[x];
        const fx = xs.frac[x];
        const top = src[r0 + x0] + (src[r0 + x1] - src[r0 + x0]) * fx;
        const bottom = src[r1 + x0] + (src[r1 + x1] - src[r1 + x0]) * fx;
        out[obase + y * outWidth + x] = top + (bottom - top) * fy;
      }
    }
  }
  return out;
}

/** Nearest-neighbour resize of 0/1 masks: `[P, H, W]` → `[P, outH, outW]`, values stay 0/1. */
export function resizeNearest(src: Uint8Array, planes: number, height: number, width: number, outHeight: number, outWidth: number): Uint8Array {
  if (height === outHeight && width === outWidth) return src;
  const ys = nearestIndex(height, outHeight);
  const xs = nearestIndex(width, outWidth);
  const out = new Uint8Array(planes * outHeight * outWidth); // [P, outH, outW]
  for (let p = 0; p < planes; p++) {
    for (let y = 0; y < outHeight; y++) {
      const row = p * height * width + ys[y] * width;
      const orow = p * outHeight * outWidth + y * outWidth;
      for (let x = 0; x < outWidth; x++) out[orow + x] = src[row + xs[x]];
    }
  }
  return out;
}

/**
 * Resizes a 0/1 mask by bilinear interpolation then a 0.5 threshold: smoother borders than
 * nearest when downscaling (a 2× downscale keeps a pixel when ≥ 2 of its 4 sources are set).
 */
export function resizeMaskSmooth(src: Uint8Array, planes: number, height: number, width: number, outHeight: number, outWidth: number): Uint8Array {
  if (height === outHeight && width === outWidth) return src;
  const f = resizeBilinear(Float32Array.from(src), planes, height, width, outHeight, outWidth);
  const out = new Uint8Array(f.length); // [P, outH, outW]
  for (let i = 0; i < f.length; i++) out[i] = f[i] >= 0.5 ? 1 : 0;
  return out;
}

function axisTaps(n: number, outN: number): { lo: Int32Array; hi: Int32Array; frac: Float32Array } {
  const lo = new Int32Array(outN);
  const hi = new Int32Array(outN);
  const frac = new Float32Array(outN);
  const scale = n / outN;
  for (let i = 0; i < outN; i++) {
    const s = Math.min(Math.max((i + 0.5) * scale - 0.5, 0), n - 1);
    lo[i] = Math.floor(s);
    hi[i] = Math.min(lo[i] + 1, n - 1);
    frac[i] = s - lo[i];
  }
  return { lo, hi, frac };
}

function nearestIndex(n: number, outN: number): Int32Array {
  const idx = new Int32Array(outN);
  const scale = n / outN;
  for (let i = 0; i < outN; i++) idx[i] = Math.min(Math.floor((i + 0.5) * scale), n - 1);
  return idx;
}
