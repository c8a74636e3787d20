/**
 * Tiling of a whole fundus image into square patches. Positions step by `stride` from the
 * top-left and a last, flush position is added so the right and bottom borders are covered
 * too; an image smaller than the patch gives one zero-padded patch.
 */

/** Top-left offsets along one axis of length `n`. */
export function patchOffsets(n: number, patch: number, stride: number): number[] {
  if (n <= patch) return [0];
  const out: number[] = [];
  for (let p = 0; p + patch <= n; p += stride) out.push(p);
  const last = n - patch;
  if (out[out.length - 1] !== last) out.push(last);
  return out;
}

/** Copies a `size × size` window at (y0, x0) of each `[P, H, W]` plane; outside → 0. */
export function cropPlanes<T extends Float32Array | Uint8Array>(
  src: T,
  planes: number,
  height: number,
  width: number,
  y0: number,
  x0: number,
  size: number,
  make: (n: number) => T,
): T {
  const out = make(planes * size * size); // [P, size, size]
  const rows = Math.min(size, height - y0);
  const cols = Math.min(size, width - x0);
  for (let p = 0; p < planes; p++) {
    for (let y = 0; y < rows; y++) {
      const from = p * height * width + (y0 + y) * width + x0;
      out.set(src.subarray(from, from + cols), p * size * size + y * size);
    }
  }
  return out;
}

/** True when any pixel of the window lies inside the field of view. */
export function touchesFov(fov: Uint8Array, width: number, height: number, y0: number, x0: number, size: number): boolean {
  const y1 = Math.min(y0 + size, height);
  const x1 = Math.min(x0 + size, width);
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) if (fov[y * width + x] !== 0) return true;
  }
  return false;
}
