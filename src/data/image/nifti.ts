import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { Readable } from 'node:stream';
import { FlowsegInputError } from '../../util/errors.js';
import { checkLimit } from '../../util/limits.js';
import { NIFTI_HEADER_BYTES, type NiftiHeader, niftiVoxelsToFloat, parseNiftiHeader } from './niftiHeader.js';

/** A NIfTI image as stored: x varies fastest, then y, then z (no reorientation applied). */
export interface Volume {
  /** Voxels along x (image width), y (image height), z (axial slices; 1 for 2D files). */
  nx: number;
  ny: number;
  nz: number;
  /** `[Z, Y, X]` float32 with `scl_slope`/`scl_inter` applied, as the standard requires. */
  data: Float32Array;
}

/** A volume read from a file, with its header as stored (348 bytes NIfTI-1, 540 NIfTI-2): its affine travels with derived maps. */
export interface NiftiVolume extends Volume {
  headerBytes: Uint8Array;
  littleEndian: boolean;
}

/**
 * Reads a `.nii` or `.nii.gz` file holding a 2D image or a 3D volume (one channel). The header
 * is validated first; a gzipped file is then inflated only up to the size the header implies,
 * so a small file cannot expand into gigabytes (trailing data is ignored).
 */
export async function readNifti(file: string): Promise<NiftiVolume> {
  const fh = await open(file, 'r');
  let bytes: Uint8Array;
  try {
    const size = (await fh.stat()).size;
    checkLimit('maxDecompressedBytes', size, `${file} is ${size.toLocaleString('en-US')} bytes`, 'crop the volume or split it');
    bytes = await fh.readFile();
  } finally {
    await fh.close();
  }
  let header: NiftiHeader;
  let raw: Uint8Array;
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    let parsed: NiftiHeader | undefined;
    raw = await gunzipUpTo(bytes, file, (head) => {
      parsed = parseNiftiHeader(head, file);
      return parsed.totalBytes;
    });
    header = parsed as NiftiHeader;
  } else {
    header = parseNiftiHeader(bytes.subarray(0, NIFTI_HEADER_BYTES), file);
    raw = bytes;
  }
  if (raw.length < header.totalBytes) {
    throw new FlowsegInputError(`${file}: truncated: ${raw.length} bytes, the header needs ${header.totalBytes}; re-export or re-download it`);
  }
  const count = header.nx * header.ny * header.nz;
  const data = niftiVoxelsToFloat(new DataView(raw.buffer, raw.byteOffset + header.voxOffset, count * header.bytesPerVoxel), header, count);
  const { sclSlope: slope, sclInter: inter } = header;
  if (slope !== 0 && Number.isFinite(slope) && Number.isFinite(inter) && (slope !== 1 || inter !== 0)) {
    for (let i = 0; i < count; i++) data[i] = data[i] * slope + inter;
  }
  const headerBytes = raw.slice(0, raw[0] === 0x1c || raw[3] === 0x1c ? 540 : 348);
  return { nx: header.nx, ny: header.ny, nz: header.nz, data, headerBytes, littleEndian: header.littleEndian };
}

/**
 * Inflates a gzip stream into a buffer of exactly `size(head)` bytes, where `head` is the
 * first NIFTI_HEADER_BYTES decompressed bytes (or all of them, if fewer). Stops there.
 */
async function gunzipUpTo(bytes: Uint8Array, file: string, size: (head: Uint8Array) => number): Promise<Uint8Array> {
  const pending: Buffer[] = [];
  let pendingBytes = 0;
  let out: Uint8Array | undefined;
  let filled = 0;
  const take = (chunk: Uint8Array): void => {
    const n = Math.min(chunk.length, (out as Uint8Array).length - filled);
    (out as Uint8Array).set(chunk.subarray(0, n), filled);
    filled += n;
  };
  try {
    for await (const chunk of Readable.from([bytes]).pipe(createGunzip())) {
      if (out === undefined) {
        pending.push(chunk as Buffer);
        pendingBytes += (chunk as Buffer).length;
        if (pendingBytes < NIFTI_HEADER_BYTES) continue;
        out = new Uint8Array(size(Buffer.concat(pending)));
        for (const p of pending.splice(0)) take(p);
      } else {
        take(chunk as Buffer);
      }
      if (filled === out.length) break; // the rest of the stream is never inflated
    }
  } catch (e) {
    if (e instanceof FlowsegInputError) throw e;
    throw new FlowsegInputError(`${file}: cannot gunzip (${(e as Error).message}); the file is corrupt or truncated, re-export it`);
  }
  if (out === undefined) {
    out = new Uint8Array(size(Buffer.concat(pending))); // a stream shorter than the NIfTI-2 header
    for (const p of pending) take(p);
  }
  return out.subarray(0, filled);
}
