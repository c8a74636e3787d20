import { gzipSync } from 'node:zlib';

/**
 * A float32 map `[ny, nx]` as a NIfTI-1 file that keeps the input image's header: orientation
 * (qform/sform), voxel sizes and units stay, so the map overlays the scan in any viewer. Only
 * what describes the data changes: 2-D dims, float32, no scaling, data right after the header.
 */
export function encodeNiftiMap(inputHeader: Uint8Array, littleEndian: boolean, map: Float32Array, nx: number, ny: number): Uint8Array {
  if (inputHeader.length !== 348) throw new Error('encodeNiftiMap: only NIfTI-1 headers are carried over');
  const out = new Uint8Array(352 + 4 * nx * ny);
  out.set(inputHeader, 0);
  const v = new DataView(out.buffer);
  const le = littleEndian;
  const dims = [2, nx, ny, 1, 1, 1, 1, 1];
  for (const [i, d] of dims.entries()) v.setInt16(40 + 2 * i, d, le); // dim[0..7]
  v.setInt16(70, 16, le); // datatype: FLOAT32
  v.setInt16(72, 32, le); // bitpix
  v.setFloat32(108, 352, le); // vox_offset: header + 4-byte extension flag
  v.setFloat32(112, 1, le); // scl_slope
  v.setFloat32(116, 0, le); // scl_inter
  v.setFloat32(124, 1, le); // cal_max / cal_min: a probability-like range
  v.setFloat32(128, 0, le);
  out.set([110, 43, 49, 0], 344); // magic "n+1\0" (single file)
  out.set([0, 0, 0, 0], 348); // no extensions
  for (let i = 0; i < nx * ny; i++) v.setFloat32(352 + 4 * i, map[i] as number, le);
  return gzipSync(out);
}
