/// <reference path="../scan/dcmjs.d.ts" />
// Test fixtures (test code only): synthetic CT series written with dcmjs around a real LIDC crop.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import dcmjs from 'dcmjs';
import { deflateSync } from 'fflate';
import { PNG } from 'pngjs';
import type { NamedBytes } from '../scan/dicomFile.js';
import { levelToValue } from '../scan/intensity.js';
import { packageRoot } from '../util/paths.js';
import { Rng } from '../util/rng.js';

dcmjs.log.setLevel('error'); // dcmjs warns about VRs it guesses; the files are checked by reading them back

/** An 8-bit crop `[128, 128]` and its raters' 0/1 masks. */
export interface GrayCrop {
  gray: Uint8Array;
  masks: Uint8Array[];
  size: number;
}

/** test-fixtures/lidc-crop: LIDC-IDRI-0001 nodule 0 slice 4 (committed, so tests run without ../shared). */
export function fixtureCrop(): GrayCrop {
  const dir = join(packageRoot(), 'test-fixtures', 'lidc-crop');
  return {
    gray: readGray(join(dir, 'image.png')),
    masks: [0, 1, 2, 3].map((r) => readGray(join(dir, `mask-${r}.png`)).map((v) => (v > 127 ? 1 : 0))),
    size: 128,
  };
}

export function readGray(file: string): Uint8Array {
  const png = PNG.sync.read(readFileSync(file));
  return Uint8Array.from({ length: png.width * png.height }, (_, i) => png.data[4 * i]);
}

export interface CtSeriesOptions {
  crop: GrayCrop;
  /** Slice size (default 512) and count (default 5). */
  size?: number;
  slices?: number;
  /** Slice pixel of the crop's top-left corner, and the slice holding it. */
  x0: number;
  y0: number;
  k: number;
  /** HU of gray levels 0 and 255 (the inverse of the per-crop min–max; default −1024 and 400). */
  lo?: number;
  hi?: number;
  /** Default Explicit VR Little Endian. */
  transferSyntax?: string;
  seriesUid?: string;
  /** Row/column spacing (mm), slice step (mm), first slice position (LPS mm). */
  pixelSpacing?: number;
  sliceStep?: number;
  origin?: [number, number, number];
  /** Shuffle the file order (seeded). */
  shuffleSeed?: number;
}

/** One CT series: 512² int16 slices with RescaleIntercept −1024, the crop placed at (x0, y0) on slice k. */
export function writeCtSeries(o: CtSeriesOptions): NamedBytes[] {
  const n = o.size ?? 512;
  const nz = o.slices ?? 5;
  const lo = o.lo ?? -1024;
  const hi = o.hi ?? 400;
  const spacing = o.pixelSpacing ?? 0.703125;
  const step = o.sliceStep ?? 2.5;
  const origin = o.origin ?? [-(n / 2) * spacing, -(n / 2) * spacing + 20, -150];
  const series = o.seriesUid ?? '1.2.826.0.1.3680043.8.498.1';
  const rng = new Rng(7);
  const files: NamedBytes[] = [];
  for (let k = 0; k < nz; k++) {
    const hu = new Float32Array(n * n);
    for (let y = 0; y < n; y++) {
      for (let x = 0; x < n; x++) {
        const body = ((x - n / 2) / (0.45 * n)) ** 2 + ((y - n / 2) / (0.35 * n)) ** 2 < 1;
        const lung = ((Math.abs(x - n / 2) - 0.2 * n) / (0.15 * n)) ** 2 + ((y - n / 2) / (0.25 * n)) ** 2 < 1;
        hu[y * n + x] = (body ? (lung ? -850 : 40) : -1024) + (body ? Math.round(20 * rng.normal()) : 0);
      }
    }
    if (k === o.k) {
      const c = o.crop.size;
      for (let y = 0; y < c; y++) for (let x = 0; x < c; x++) hu[(o.y0 + y) * n + o.x0 + x] = Math.round(levelToValue(o.crop.gray[y * c + x], lo, hi));
    }
    const stored = Int16Array.from(hu, (v) => Math.max(-32768, Math.min(32767, v + 1024)));
    const position: [number, number, number] = [origin[0], origin[1], origin[2] + k * step];
    files.push({
      name: `IM-${String(k + 1).padStart(4, '0')}.dcm`,
      bytes: encodeCtSlice({ stored, n, position, spacing, step, series, instance: k + 1, transferSyntax: o.transferSyntax }),
    });
  }
  return o.shuffleSeed === undefined ? files : new Rng(o.shuffleSeed).shuffle(files);
}

export interface SliceFields {
  stored: Int16Array;
  n: number;
  position: [number, number, number];
  spacing: number;
  step: number;
  series: string;
  instance: number;
  transferSyntax?: string;
  extra?: Record<string, unknown>;
  omitPixelData?: boolean;
}

const EXPLICIT_LE = '1.2.840.10008.1.2.1';
const BIG_ENDIAN = '1.2.840.10008.1.2.2';
const DEFLATED = '1.2.840.10008.1.2.1.99';

/** One CT image as a Part-10 file with realistic headers; deflated and big-endian files are made by hand around dcmjs. */
export function encodeCtSlice(f: SliceFields): Uint8Array {
  const ts = f.transferSyntax ?? EXPLICIT_LE;
  const sop = `${f.series}.${f.instance}`;
  const pixels = new Uint8Array(f.stored.buffer.slice(0));
  if (ts === BIG_ENDIAN) for (let i = 0; i < pixels.length; i += 2) [pixels[i], pixels[i + 1]] = [pixels[i + 1], pixels[i]]; // dcmjs writes OW bytes as given
  const dataset: Record<string, unknown> = {
    SOPClassUID: '1.2.840.10008.5.1.4.1.1.2',
    SOPInstanceUID: sop,
    StudyInstanceUID: `${f.series}.0`,
    SeriesInstanceUID: f.series,
    Modality: 'CT',
    SeriesDescription: 'flowseg test chest',
    PatientID: 'FLOWSEG-TEST',
    InstanceNumber: f.instance,
    ImagePositionPatient: f.position,
    ImageOrientationPatient: [1, 0, 0, 0, 1, 0],
    PixelSpacing: [f.spacing, f.spacing],
    SliceThickness: f.step,
    Rows: f.n,
    Columns: f.n,
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    BitsAllocated: 16,
    BitsStored: 16,
    HighBit: 15,
    PixelRepresentation: 1,
    RescaleIntercept: -1024,
    RescaleSlope: 1,
    RescaleType: 'HU',
    WindowCenter: -600,
    WindowWidth: 1500,
    ...f.extra,
    PixelData: pixels.buffer,
    _vrMap: { PixelData: 'OW' },
  };
  if (f.omitPixelData) delete dataset.PixelData;
  const meta = {
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: dataset.SOPClassUID,
    MediaStorageSOPInstanceUID: sop,
    TransferSyntaxUID: ts === DEFLATED ? EXPLICIT_LE : ts,
    ImplementationClassUID: '1.2.826.0.1.3680043.8.498.2',
    _vrMap: { FileMetaInformationVersion: 'OB' },
  };
  const dict = new dcmjs.data.DicomDict(dcmjs.data.DicomMetaDictionary.denaturalizeDataset(meta));
  dict.dict = dcmjs.data.DicomMetaDictionary.denaturalizeDataset(dataset);
  const bytes = new Uint8Array(dict.write());
  return ts === DEFLATED ? deflateBody(bytes) : bytes;
}

/** Explicit-VR-LE file → the same file with its dataset raw-deflated and the meta's syntax updated. */
function deflateBody(file: Uint8Array): Uint8Array {
  return withTransferSyntax(file, DEFLATED, (body) => deflateSync(body, { level: 6 }));
}

/**
 * The file with another TransferSyntaxUID in its meta group (group length updated) and its
 * dataset passed through `body` (default unchanged): for files dcmjs cannot write itself.
 */
export function withTransferSyntax(file: Uint8Array, uid: string, body: (dataset: Uint8Array) => Uint8Array = (b) => b): Uint8Array {
  const v = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const bodyAt = 144 + v.getUint32(140, true);
  const parts: Uint8Array[] = [];
  for (let at = 144; at < bodyAt; ) {
    const element = v.getUint16(at + 2, true);
    const vr = String.fromCharCode(file[at + 4], file[at + 5]);
    const long = vr === 'OB' || vr === 'OW' || vr === 'UN' || vr === 'SQ' || vr === 'UT';
    const len = long ? v.getUint32(at + 8, true) : v.getUint16(at + 6, true);
    const end = at + (long ? 12 : 8) + len;
    if (element === 0x0010) {
      const text = uid.length % 2 ? `${uid}\0` : uid;
      const el = new Uint8Array(8 + text.length);
      el.set(file.subarray(at, at + 6));
      new DataView(el.buffer).setUint16(6, text.length, true);
      for (let i = 0; i < text.length; i++) el[8 + i] = text.charCodeAt(i);
      parts.push(el);
    } else {
      parts.push(file.subarray(at, end));
    }
    at = end;
  }
  const metaLength = parts.reduce((sum, p) => sum + p.length, 0);
  const data = body(file.subarray(bodyAt));
  const out = new Uint8Array(144 + metaLength + data.length);
  out.set(file.subarray(0, 144));
  new DataView(out.buffer).setUint32(140, metaLength, true);
  let at = 144;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  out.set(data, at);
  return out;
}
