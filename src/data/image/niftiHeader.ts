/**
 * The NIfTI-1/NIfTI-2 header fields a reader needs, parsed and validated by hand so that a
 * hostile header (negative or zero dims, bitpix 0, a NaN vox_offset, 60000³ voxels) is
 * refused with one message BEFORE any voxel buffer is allocated. Field offsets from
 * nifti1.h / nifti2.h.
 */
import { FlowsegInputError } from '../../util/errors.js';
import { checkLimit } from '../../util/limits.js';

/** Datatype code → [name, bytes per voxel] for the types flowseg reads. */
export const NIFTI_TYPES: Readonly<Record<number, readonly [string, number]>> = {
  2: ['uint8', 1],
  4: ['int16', 2],
  8: ['int32', 4],
  16: ['float32', 4],
  64: ['float64', 8],
  256: ['int8', 1],
  512: ['uint16', 2],
  768: ['uint32', 4],
  1024: ['int64', 8],
  1280: ['uint64', 8],
};

export interface NiftiHeader {
  littleEndian: boolean;
  /** Voxels along x, y, z (z = 1 for 2D files). */
  nx: number;
  ny: number;
  nz: number;
  datatype: number;
  bytesPerVoxel: number;
  /** Byte offset of the first voxel. */
  voxOffset: number;
  sclSlope: number;
  sclInter: number;
  /** vox_offset + voxel bytes: what the (decompressed) file must hold. */
  totalBytes: number;
}

/** Bytes of the header prefix `parseNiftiHeader` needs (the larger NIfTI-2 header). */
export const NIFTI_HEADER_BYTES = 540;

/** Parses and validates a header; `head` is the file's first bytes (at least 348, 540 for NIfTI-2). */
export function parseNiftiHeader(head: Uint8Array, file: string): NiftiHeader {
  const fail = (what: string, fix = 'the header is corrupt; re-export the image (e.g. with nibabel or SimpleITK)'): never => {
    throw new FlowsegInputError(`${file}: ${what}; ${fix}`);
  };
  if (head.length < 348) fail(`${head.length} bytes is too short for a NIfTI header`, 'export it as .nii or .nii.gz');
  const v = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const sizeLe = v.getInt32(0, true);
  const sizeBe = v.getInt32(0, false);
  const version = sizeLe === 348 || sizeBe === 348 ? 1 : sizeLe === 540 || sizeBe === 540 ? 2 : 0;
  if (version === 0) fail('not a NIfTI-1/2 file (header size is neither 348 nor 540)', 'export it as .nii or .nii.gz');
  const le = sizeLe === 348 || sizeLe === 540;
  if (version === 2 && head.length < 540) fail(`${head.length} bytes is too short for a NIfTI-2 header`, 're-export or re-download it');
  const magic = String.fromCharCode(...head.subarray(version === 1 ? 344 : 4, version === 1 ? 347 : 7));
  if (magic === 'ni1' || magic === 'ni2') fail('is a header of a .hdr/.img pair', 'convert it to a single .nii or .nii.gz file');
  if (magic !== 'n+1' && magic !== 'n+2') fail(`bad magic "${magic.replace(/[^\x20-\x7e]/g, '?')}"`, 'export it as .nii or .nii.gz');

  const i64 = (at: number): number => Number(v.getBigInt64(at, le));
  const dim = Array.from({ length: 8 }, (_, k) => (version === 1 ? v.getInt16(40 + 2 * k, le) : i64(16 + 8 * k)));
  const datatype = version === 1 ? v.getInt16(70, le) : v.getInt16(12, le);
  const bitpix = version === 1 ? v.getInt16(72, le) : v.getInt16(14, le);
  const voxOffset = version === 1 ? v.getFloat32(108, le) : i64(168);
  const sclSlope = version === 1 ? v.getFloat32(112, le) : v.getFloat64(176, le);
  const sclInter = version === 1 ? v.getFloat32(116, le) : v.getFloat64(184, le);

  const rank = dim[0];
  if (!(rank >= 1 && rank <= 7)) fail(`dim[0] (number of dimensions) is ${rank}, expected 1–7`);
  for (let d = 1; d <= rank; d++) {
    if (!(Number.isSafeInteger(dim[d]) && dim[d] >= 1)) fail(`dim[${d}] is ${dim[d]}; every used dimension must be at least 1`);
  }
  for (let d = 4; d <= rank; d++) {
    if (dim[d] > 1) {
      fail(`has ${rank} dimensions (${dim.slice(1, rank + 1).join('×')})`, 'store one 2D/3D file per channel (`_0000`, `_0001`, …) and per rater');
    }
  }
  const type = NIFTI_TYPES[datatype];
  if (type === undefined) fail(`NIfTI datatype code ${datatype} is not supported`, 'save as uint8, int16, float32 or float64');
  const [typeName, bytesPerVoxel] = type;
  if (bitpix !== 8 * bytesPerVoxel) fail(`bitpix is ${bitpix} but datatype ${typeName} has ${8 * bytesPerVoxel} bits per voxel`);
  const minOffset = version === 1 ? 348 : 540;
  if (!(Number.isSafeInteger(voxOffset) && voxOffset >= minOffset)) fail(`vox_offset is ${voxOffset}, expected an integer ≥ ${minOffset}`);
  const [nx, ny, nz] = [dim[1], rank >= 2 ? dim[2] : 1, rank >= 3 ? dim[3] : 1];
  checkLimit('maxPixels', nx * ny, `${file}: slices are ${nx}×${ny} pixels`, 'crop or resample the volume');
  checkLimit('maxVoxels', nx * ny * nz, `${file}: volume is ${nx}×${ny}×${nz} voxels`, 'crop or resample the volume');
  const totalBytes = voxOffset + nx * ny * nz * bytesPerVoxel;
  checkLimit(
    'maxDecompressedBytes',
    totalBytes,
    `${file}: the header implies ${totalBytes.toLocaleString('en-US')} bytes`,
    'crop the volume or store it as int16',
  );
  return { littleEndian: le, nx, ny, nz, datatype, bytesPerVoxel, voxOffset, sclSlope, sclInter, totalBytes };
}

/** The voxels of a NIfTI image as float32 `[Z, Y, X]`, from any datatype parseNiftiHeader admits. */
export function niftiVoxelsToFloat(v: DataView, h: NiftiHeader, count: number): Float32Array {
  const little = h.littleEndian;
  const out = new Float32Array(count); // [Z, Y, X]
  const read: (i: number) => number = {
    2: (i: number) => v.getUint8(i),
    256: (i: number) => v.getInt8(i),
    4: (i: number) => v.getInt16(2 * i, little),
    512: (i: number) => v.getUint16(2 * i, little),
    8: (i: number) => v.getInt32(4 * i, little),
    768: (i: number) => v.getUint32(4 * i, little),
    16: (i: number) => v.getFloat32(4 * i, little),
    64: (i: number) => v.getFloat64(8 * i, little),
    1024: (i: number) => Number(v.getBigInt64(8 * i, little)),
    1280: (i: number) => Number(v.getBigUint64(8 * i, little)),
  }[h.datatype] as (i: number) => number; // parseNiftiHeader admits only these codes
  for (let i = 0; i < count; i++) out[i] = read(i);
  return out;
}
