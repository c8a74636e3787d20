import { encodeNpy } from '../data/npzFormat.js';

/**
 * A float32 map [H, W] as a NumPy .npy (`np.load` gives float32, shape (H, W)). Browser-safe,
 * so `flowseg sample` and the viewer's zip write the same mean/std/entropy files.
 */
export function encodeFloatNpy(map: Float32Array, height: number, width: number): Uint8Array<ArrayBuffer> {
  if (map.length !== height * width) throw new RangeError(`encodeFloatNpy: ${map.length} values for ${height}×${width}`);
  const le = new Uint8Array(map.length * 4);
  const view = new DataView(le.buffer);
  for (let i = 0; i < map.length; i++) view.setFloat32(4 * i, map[i] as number, true); // '<f4' on any host
  return encodeNpy('<f4', [height, width], le) as Uint8Array<ArrayBuffer>;
}
