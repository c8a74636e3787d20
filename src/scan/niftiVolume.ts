import { Gunzip } from 'fflate';
import { readHeader } from 'nifti-reader-js';
import { NIFTI_HEADER_BYTES, type NiftiHeader, niftiVoxelsToFloat, parseNiftiHeader } from '../data/image/niftiHeader.js';
import { FlowsegInputError } from '../util/errors.js';
import { columnLength } from './affine.js';
import { concatBytes } from './bytes.js';
import type { NamedBytes } from './dicomFile.js';
import type { ScanVolume } from './volume.js';

/**
 * A `.nii`/`.nii.gz` 2-D image or 3-D volume → ScanVolume, browser-safe. The header is
 * validated (sizes, limits) before any voxel buffer exists, and a gzip stream is inflated only
 * up to the bytes the header implies. The affine is nifti-reader-js's: the qform when its code
 * is set and higher than the sform's, else the sform, else pixdim scaling; frame RAS, voxels
 * as stored (no reorientation), scl_slope/scl_inter applied.
 */
export function readNiftiVolume({ name, bytes }: NamedBytes): ScanVolume {
  let header: NiftiHeader | undefined;
  const raw = bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipUpTo(bytes, name, (h) => (header = parseNiftiHeader(h, name)).totalBytes) : bytes;
  header ??= parseNiftiHeader(raw.subarray(0, NIFTI_HEADER_BYTES), name);
  if (raw.length < header.totalBytes) {
    throw new FlowsegInputError(`${name}: truncated: ${raw.length} bytes, the header needs ${header.totalBytes}; re-export or re-download it`);
  }
  const { nx, ny, nz } = header;
  const head = new Uint8Array(header.voxOffset); // a copy: a Node Buffer's .buffer may be a shared pool
  head.set(raw.subarray(0, header.voxOffset));
  const h = readHeader(head.buffer);
  const affine = h.affine.flat();
  const voxels = niftiVoxelsToFloat(new DataView(raw.buffer, raw.byteOffset + header.voxOffset, nx * ny * nz * header.bytesPerVoxel), header, nx * ny * nz);
  const { sclSlope: slope, sclInter: inter } = header;
  if (slope !== 0 && Number.isFinite(slope) && Number.isFinite(inter) && (slope !== 1 || inter !== 0)) {
    for (let i = 0; i < voxels.length; i++) voxels[i] = voxels[i] * slope + inter;
  }
  const description = (h.description ?? '').replace(/\0.*$/s, '').trim();
  return {
    voxels,
    nx,
    ny,
    nz,
    spacing: [columnLength(affine, 0), columnLength(affine, 1), columnLength(affine, 2)],
    affine,
    frame: 'RAS',
    modality: '',
    units: 'stored',
    description: `${description || name.split(/[\\/]/).pop()} ${nx}×${ny}×${nz}`,
    sources: [name],
  };
}

/** Inflates a gzip stream into exactly `size(head)` bytes (head = the first NIFTI_HEADER_BYTES inflated), stopping there. */
function gunzipUpTo(bytes: Uint8Array, name: string, size: (head: Uint8Array) => number): Uint8Array {
  const pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let out: Uint8Array | undefined;
  let filled = 0;
  const take = (chunk: Uint8Array): void => {
    const o = out as Uint8Array;
    const n = Math.min(chunk.length, o.length - filled);
    o.set(chunk.subarray(0, n), filled);
    filled += n;
  };
  const open = (): void => {
    const head = concatBytes(pending, pendingBytes);
    out = new Uint8Array(size(head.subarray(0, NIFTI_HEADER_BYTES))); // throws on a bad or too large header
    take(head);
  };
  const gunzip = new Gunzip((chunk) => {
    if (out !== undefined) return take(chunk);
    pending.push(chunk);
    pendingBytes += chunk.length;
    if (pendingBytes >= NIFTI_HEADER_BYTES) open();
  });
  try {
    const step = 1 << 16;
    for (let at = 0; at < bytes.length && !(out && filled === out.length); at += step) {
      gunzip.push(bytes.subarray(at, Math.min(at + step, bytes.length)), at + step >= bytes.length);
    }
  } catch (e) {
    if (e instanceof FlowsegInputError) throw e;
    if (!(out && filled === out.length)) {
      throw new FlowsegInputError(`${name}: cannot gunzip (${(e as Error).message}); the file is corrupt or truncated, re-export it`);
    }
  }
  if (out === undefined) open(); // a stream shorter than the NIfTI-2 header
  return (out as Uint8Array).subarray(0, filled);
}
