/// <reference path="./dcmjs.d.ts" />
/**
 * One DICOM Part-10 file → its image header and a decoder of its pixels into physical units.
 * Parsing is dcmjs's (browser and Node, reads and writes; see docs/scans.md for why); this
 * file checks what flowseg needs before anything large is allocated.
 */
import dcmjs from 'dcmjs';
import { FlowsegInputError } from '../util/errors.js';
import { checkPixels } from '../util/limits.js';
import type { Vec3 } from './affine.js';
import { inflateDataset } from './deflated.js';
import { checkElementLengths } from './dicomLengths.js';
import { checkTransferSyntax } from './transferSyntax.js';

/** A file as bytes with the name used in messages (path or dropped file name). */
export interface NamedBytes {
  name: string;
  bytes: Uint8Array;
}

export interface DicomImage {
  file: string;
  seriesUid: string;
  modality: string;
  description: string;
  rows: number;
  columns: number;
  /** ImagePositionPatient (LPS mm of the first pixel's centre), absent in some non-CT files. */
  position?: Vec3;
  /** ImageOrientationPatient: direction of increasing column index, then of increasing row index. */
  orientation?: [number, number, number, number, number, number];
  /** PixelSpacing as stored: [between rows, between columns] in mm. */
  pixelSpacing: [number, number];
  /** SpacingBetweenSlices or SliceThickness (mm), for a single slice's third axis. */
  sliceGap?: number;
  instanceNumber?: number;
  /** True when RescaleSlope/Intercept were present (CT → Hounsfield units). */
  rescaled: boolean;
  /** Writes rows×columns values (stored × slope + intercept) into `out` at `offset`. */
  decode(out: Float32Array, offset: number): void;
}

const DICM_AT = 128;

/** True when the bytes carry the Part-10 preamble magic "DICM". */
export function isDicomBytes(b: Uint8Array): boolean {
  return b.length >= DICM_AT + 4 && b[DICM_AT] === 0x44 && b[DICM_AT + 1] === 0x49 && b[DICM_AT + 2] === 0x43 && b[DICM_AT + 3] === 0x4d;
}

/** Parses one file; throws a one-line FlowsegInputError naming the file for anything flowseg cannot read. */
export function parseDicomFile({ name, bytes }: NamedBytes): DicomImage {
  const fail = (what: string): never => {
    throw new FlowsegInputError(`${name}: ${what}`);
  };
  if (!isDicomBytes(bytes)) fail('not a DICOM Part-10 file (no "DICM" at byte 128); export the series as DICOM files');
  const { syntax, bodyAt } = readFileMeta(bytes, name);
  checkTransferSyntax(syntax, name);
  const deflated = syntax === '1.2.840.10008.1.2.1.99';
  const bigEndian = syntax === '1.2.840.10008.1.2.2';
  if (deflated) checkElementLengths(inflateDataset(bytes, bodyAt, name), 0, true, true, name);
  else checkElementLengths(bytes, bodyAt, syntax !== '1.2.840.10008.1.2', !bigEndian, name);
  let ds: Record<string, unknown>;
  try {
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    const parsed = dcmjs.data.DicomMessage.readFile(buffer, { ignoreErrors: false, untilTag: null, includeUntilTagValue: false, noCopy: true });
    ds = dcmjs.data.DicomMetaDictionary.naturalizeDataset(parsed.dict);
  } catch (e) {
    if (e instanceof FlowsegInputError) throw e;
    return fail(`cannot be parsed (${firstLine(e)}); the file is truncated or corrupt — copy it again from the source`);
  }
  const num = (key: string): number | undefined => {
    const v = Array.isArray(ds[key]) ? (ds[key] as unknown[])[0] : ds[key];
    const n = typeof v === 'string' ? Number(v) : (v as number | undefined);
    return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
  };
  const nums = (key: string, count: number): number[] | undefined => {
    const v = ds[key];
    const a = (Array.isArray(v) ? v : [v]).map(Number);
    return a.length === count && a.every(Number.isFinite) ? a : undefined;
  };
  const text = (key: string): string => (typeof ds[key] === 'string' ? (ds[key] as string).trim() : '');

  if (ds.PixelData === undefined) fail('has no PixelData (7FE0,0010): it is not an image (a DICOMDIR, report or presentation state?); give the image files');
  const rows = num('Rows') ?? fail('has no Rows (0028,0010)');
  const columns = num('Columns') ?? fail('has no Columns (0028,0011)');
  checkPixels(columns, rows, name, 'the header is corrupt');
  const samples = num('SamplesPerPixel') ?? 1;
  if (samples !== 1) fail(`has ${samples} samples per pixel (colour); flowseg reads grey-scale CT/MR images`);
  const frames = num('NumberOfFrames') ?? 1;
  if (frames !== 1) fail(`is a multi-frame image (${frames} frames); export the series as single-frame files (e.g. \`emf2sf\` of dcm4che)`);
  const bitsAllocated = num('BitsAllocated') ?? fail('has no BitsAllocated (0028,0100)');
  if (bitsAllocated !== 8 && bitsAllocated !== 16 && bitsAllocated !== 32) fail(`BitsAllocated is ${bitsAllocated}; flowseg reads 8, 16 or 32`);
  const bitsStored = num('BitsStored') ?? bitsAllocated;
  const signed = num('PixelRepresentation') === 1;
  const pixels = pixelBytes(ds.PixelData);
  const need = rows * columns * (bitsAllocated / 8);
  if (pixels === undefined || pixels.byteLength < need) {
    fail(
      `PixelData holds ${pixels?.byteLength ?? 0} bytes, ${rows}×${columns} pixels of ${bitsAllocated} bits need ${need}; the header and the pixels disagree — export the file again`,
    );
  }
  const slopeRaw = num('RescaleSlope');
  const interRaw = num('RescaleIntercept');
  const slope = slopeRaw ?? 1;
  const intercept = interRaw ?? 0;
  const orientation = nums('ImageOrientationPatient', 6) as DicomImage['orientation'];
  const spacing = nums('PixelSpacing', 2) ?? nums('ImagerPixelSpacing', 2) ?? [1, 1];
  if (!spacing.every((s) => s > 0)) fail(`PixelSpacing ${spacing.join('\\')} is not positive`);
  return {
    file: name,
    seriesUid: text('SeriesInstanceUID'),
    modality: text('Modality'),
    description: text('SeriesDescription'),
    rows,
    columns,
    position: nums('ImagePositionPatient', 3) as Vec3 | undefined,
    orientation,
    pixelSpacing: spacing as [number, number],
    sliceGap: positive(num('SpacingBetweenSlices')) ?? positive(num('SliceThickness')),
    instanceNumber: num('InstanceNumber'),
    rescaled: slopeRaw !== undefined || interRaw !== undefined,
    decode(out, offset) {
      const view = new DataView((pixels as Uint8Array).buffer, (pixels as Uint8Array).byteOffset, need);
      const n = rows * columns;
      const read = storedReader(view, bitsAllocated, bitsStored, signed, !bigEndian);
      for (let p = 0; p < n; p++) out[offset + p] = read(p) * slope + intercept;
    },
  };
}

/** The TransferSyntaxUID (0002,0010) and where the dataset starts, from the explicit-VR little-endian file meta group. */
function readFileMeta(b: Uint8Array, name: string): { syntax: string; bodyAt: number } {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let at = DICM_AT + 4;
  let syntax: string | undefined;
  while (at + 8 <= b.length && v.getUint16(at, true) === 0x0002) {
    const element = v.getUint16(at + 2, true);
    const vr = String.fromCharCode(b[at + 4], b[at + 5]);
    const long = vr === 'OB' || vr === 'OW' || vr === 'UN' || vr === 'SQ' || vr === 'UT';
    const len = long ? v.getUint32(at + 8, true) : v.getUint16(at + 6, true);
    const start = at + (long ? 12 : 8);
    if (start + len > b.length) break;
    if (element === 0x0010) syntax = String.fromCharCode(...b.subarray(start, start + len)).replace(/[\0 ]+$/, '');
    at = start + len;
  }
  if (syntax === undefined) throw new FlowsegInputError(`${name}: no TransferSyntaxUID (0002,0010) in the file meta header; the file is truncated or corrupt`);
  return { syntax, bodyAt: at };
}

function pixelBytes(v: unknown): Uint8Array | undefined {
  const first = Array.isArray(v) ? v[0] : v;
  if (first instanceof ArrayBuffer) return new Uint8Array(first);
  if (ArrayBuffer.isView(first)) return new Uint8Array(first.buffer, first.byteOffset, first.byteLength);
  return undefined;
}

/** Stored value p as a number: BitsStored may be smaller than BitsAllocated (12-bit CT); signed values sign-extend from BitsStored. */
function storedReader(v: DataView, allocated: number, stored: number, signed: boolean, little: boolean): (p: number) => number {
  const raw: (p: number) => number =
    allocated === 8 ? (p) => v.getUint8(p) : allocated === 16 ? (p) => v.getUint16(2 * p, little) : (p) => v.getUint32(4 * p, little);
  const bits = Math.min(stored, allocated);
  if (bits >= 32) return signed ? (p) => raw(p) | 0 : raw;
  const mask = 2 ** bits - 1;
  const half = 2 ** (bits - 1);
  return signed ? (p) => ((raw(p) & mask) ^ half) - half : (p) => raw(p) & mask;
}

const positive = (x: number | undefined): number | undefined => (x !== undefined && x > 0 ? x : undefined);
const firstLine = (e: unknown): string => String((e as Error)?.message ?? e).split('\n')[0];
