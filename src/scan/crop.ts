import { FlowsegInputError } from '../util/errors.js';

/**
 * The window of `size`×`size` pixels around a point: the point lands on crop pixel
 * (size/2, size/2) — (64, 64) for the model's 128² — as the LIDC crops were centred on the lesion.
 */
export interface CropWindow {
  /** Slice pixel of crop pixel (0, 0); may be negative or beyond the slice (then padded). */
  x0: number;
  y0: number;
  size: number;
}

export function cropWindow(cx: number, cy: number, size: number): CropWindow {
  const half = Math.floor(size / 2);
  return { x0: Math.round(cx) - half, y0: Math.round(cy) - half, size };
}

/** Refuses a point outside the slice, in one line naming the flag. */
export function checkPoint(cx: number, cy: number, nx: number, ny: number, flag = '--at'): void {
  if (!(cx >= -0.5 && cx < nx - 0.5 && cy >= -0.5 && cy < ny - 0.5)) {
    throw new FlowsegInputError(
      `${flag}: the point (${round2(cx)}, ${round2(cy)}) is outside the ${nx}×${ny} image; give x in 0…${nx - 1} and y in 0…${ny - 1}`,
    );
  }
}

/**
 * Copies the window out of a slice `[ny, nx]` at native resolution (no resampling);
 * pixels outside the slice get `pad`. Returns `[size, size]`.
 */
export function cropSlice(slice: Float32Array, nx: number, ny: number, w: CropWindow, pad: number): Float32Array {
  const out = new Float32Array(w.size * w.size).fill(pad);
  for (let y = 0; y < w.size; y++) {
    const sy = w.y0 + y;
    if (sy < 0 || sy >= ny) continue;
    const from = Math.max(0, -w.x0);
    const to = Math.min(w.size, nx - w.x0);
    if (to > from) out.set(slice.subarray(sy * nx + w.x0 + from, sy * nx + w.x0 + to), y * w.size + from);
  }
  return out;
}

/**
 * Puts a crop-sized map `[size, size]` back on the slice grid `[ny, nx]`: pixels of the window
 * inside the slice get the map's values, every other pixel gets `fill`. The inverse of cropSlice.
 */
export function pasteBack(map: Float32Array | Uint8Array, w: CropWindow, nx: number, ny: number, fill = 0): Float32Array {
  if (map.length !== w.size * w.size) throw new Error(`pasteBack: map has ${map.length} values, the window ${w.size}²`);
  const out = new Float32Array(nx * ny).fill(fill);
  for (let y = 0; y < w.size; y++) {
    const sy = w.y0 + y;
    if (sy < 0 || sy >= ny) continue;
    for (let x = Math.max(0, -w.x0); x < Math.min(w.size, nx - w.x0); x++) out[sy * nx + w.x0 + x] = map[y * w.size + x];
  }
  return out;
}

const round2 = (v: number): string => String(Math.round(v * 100) / 100);
