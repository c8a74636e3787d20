// The bytes NiiVue reads: an uncompressed NIfTI-1 file. The header (sform, qform, spacing) is
// the scan core's encodeNifti, made for a single voxel without gzip; only the size, data type
// and data change. No gzip: a 300-slice CT would otherwise be compressed here and inflated
// again by NiiVue (tens of seconds in JavaScript) just to reach the screen.
import { encodeNifti, type Affine } from '../../src/scan/index.js';

const HEADER = 352; // 348 + the 4-byte extension flag; encodeNifti puts the data right after

/**
 * [nz, ny, nx] values → a .nii ArrayBuffer: int16 when every value is a whole number in range
 * (CT in HU; half the memory), else — or with `float` — float32.
 */
export function displayNifti(values: Float32Array, nx: number, ny: number, nz: number, affineRas: Affine, o: { float?: boolean } = {}): ArrayBuffer {
  const header = encodeNifti({ data: new Float32Array(1), nx: 1, ny: 1, nz: 1, affineRas }, { gzip: (raw) => raw }).subarray(0, HEADER);
  const int16 = !o.float && fitsInt16(values);
  const bytesPer = int16 ? 2 : 4;
  const out = new ArrayBuffer(HEADER + bytesPer * values.length);
  new Uint8Array(out).set(header);
  const v = new DataView(out);
  for (const [i, d] of [nx, ny, nz].entries()) v.setInt16(42 + 2 * i, d, true); // dim[1..3]
  v.setInt16(70, int16 ? 4 : 16, true); // datatype INT16 | FLOAT32
  v.setInt16(72, 8 * bytesPer, true); // bitpix
  if (int16) new Int16Array(out, HEADER).set(values);
  else new Float32Array(out, HEADER).set(values);
  return out;
}

function fitsInt16(values: Float32Array): boolean {
  for (const x of values) if (!(Number.isInteger(x) && x >= -32768 && x <= 32767)) return false;
  return true;
}
