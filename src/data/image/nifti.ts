import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import * as nifti from 'nifti-reader-js';
import { FlowsegInputError } from '../../util/errors.js';

/** A NIfTI image as stored: x varies fastest, then y, then z (no reorientation applied). */
export interface Volume {
  /** Voxels along x (image width), y (image height), z (axial slices; 1 for 2D files). */
  nx: number;
  ny: number;
  nz: number;
  /** `[Z, Y, X]` float32 with `scl_slope`/`scl_inter` applied, as the standard requires. */
  data: Float32Array;
}

/** Reads a `.nii` or `.nii.gz` file holding a 2D image or a 3D volume (one channel). */
export async function readNifti(file: string): Promise<Volume> {
  let bytes: Uint8Array = await readFile(file);
  const fail = (what: string, fix: string): FlowsegInputError => new FlowsegInputError(`${file}: ${what}; ${fix}`);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (e) {
      throw fail(`cannot gunzip (${(e as Error).message})`, 'the file is corrupt or truncated, re-export it');
    }
  }
  const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  if (!nifti.isNIFTI(buf)) throw fail('not a NIfTI-1/2 file', 'export it as .nii or .nii.gz');
  const header = nifti.readHeader(buf);
  const dims = header.dims; // dims[0] = rank, dims[1..] = sizes
  const rank = dims[0];
  const [nx, ny, nz] = [dims[1], dims[2], rank >= 3 ? dims[3] : 1];
  for (let d = 4; d <= rank; d++) {
    if (dims[d] > 1) {
      throw fail(
        `has ${rank} dimensions (${dims.slice(1, rank + 1).join('×')})`,
        'store one 2D/3D file per channel (`_0000`, `_0001`, …) and per rater',
      );
    }
  }
  const count = nx * ny * nz;
  const bytesPer = header.numBitsPerVoxel / 8;
  if (buf.byteLength < header.vox_offset + count * bytesPer) {
    throw fail(
      `truncated: ${buf.byteLength} bytes, header needs ${header.vox_offset + count * bytesPer}`,
      're-export or re-download it',
    );
  }
  const raw = nifti.readImage(header, buf);
  const data = toFloat(raw, header.datatypeCode, header.littleEndian, count, fail);
  const slope = header.scl_slope;
  if (slope !== 0 && Number.isFinite(slope) && (slope !== 1 || header.scl_inter !== 0)) {
    for (let i = 0; i < count; i++) data[i] = data[i] * slope + header.scl_inter;
  }
  return { nx, ny, nz, data };
}

function toFloat(
  raw: ArrayBuffer,
  code: number,
  little: boolean,
  count: number,
  fail: (what: string, fix: string) => FlowsegInputError,
): Float32Array {
  const v = new DataView(raw);
  const out = new Float32Array(count); // [Z, Y, X]
  const T = nifti.NIFTI1;
  const read: ((i: number) => number) | undefined = {
    [T.TYPE_UINT8]: (i: number) => v.getUint8(i),
    [T.TYPE_INT8]: (i: number) => v.getInt8(i),
    [T.TYPE_INT16]: (i: number) => v.getInt16(2 * i, little),
    [T.TYPE_UINT16]: (i: number) => v.getUint16(2 * i, little),
    [T.TYPE_INT32]: (i: number) => v.getInt32(4 * i, little),
    [T.TYPE_UINT32]: (i: number) => v.getUint32(4 * i, little),
    [T.TYPE_FLOAT32]: (i: number) => v.getFloat32(4 * i, little),
    [T.TYPE_FLOAT64]: (i: number) => v.getFloat64(8 * i, little),
    [T.TYPE_INT64]: (i: number) => Number(v.getBigInt64(8 * i, little)),
    [T.TYPE_UINT64]: (i: number) => Number(v.getBigUint64(8 * i, little)),
  }[code];
  if (read === undefined) {
    throw fail(`NIfTI datatype code ${code} is not supported`, 'save as uint8, int16, float32 or float64');
  }
  for (let i = 0; i < count; i++) out[i] = read(i);
  return out;
}
