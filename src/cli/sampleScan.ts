/**
 * `flowseg sample` on scans and on images at their own resolution: DICOM files/series, NIfTI
 * volumes, PNG/JPEG. Crops the model's input around `--at`/`--at-mm` at native resolution,
 * maps intensities as the training data were mapped (src/scan/intensity.ts), samples on either
 * engine, writes the crop outputs as before plus the maps pasted back on the input's slice grid
 * as NIfTI with the input's affine. Without `--at` an input must already be the model's size.
 */
import { gzipSync } from 'node:zlib';
import type { ImageSamples } from '../infer/types.js';
import { entropyMap } from '../metrics/maps.js';
import { checkClick, clickCrop, voxelOfWorld } from '../scan/click.js';
import { cropSlice, cropWindow, checkPoint, pasteBack, type CropWindow } from '../scan/crop.js';
import { flipXY, sliceAffine } from '../scan/affine.js';
import { toModelInput } from '../scan/intensity.js';
import { encodeNifti } from '../scan/niftiWrite.js';
import { readScanPath, scanKind } from '../scan/scanFiles.js';
import { sliceOf, type ScanVolume } from '../scan/volume.js';
import { FlowsegInputError } from '../util/errors.js';
import { writeSamples } from './sampleFiles.js';
import { openEngine } from './sampleEngine.js';

export interface ScanSampleFlags {
  checkpoint: string;
  image: string;
  n: number;
  out: string;
  seed: number;
  engine: 'torch' | 'onnx';
  at?: string;
  atMm?: string;
  slice?: number;
  json?: boolean;
  overwrite?: boolean;
}

/** A point given on the command line: voxel indices (`--at`) or world mm (`--at-mm`). */
export type Point = { voxel: number[] } | { mm: [number, number, number] };

export function parsePoint(f: Pick<ScanSampleFlags, 'at' | 'atMm'>): Point | undefined {
  if (f.at !== undefined && f.atMm !== undefined) throw new FlowsegInputError('--at and --at-mm name the same point; give one of them');
  const parse = (flag: string, text: string, counts: number[]): number[] => {
    const v = text.split(',').map((s) => Number(s.trim()));
    if (!counts.includes(v.length) || !v.every(Number.isFinite)) {
      throw new FlowsegInputError(
        `${flag} ${text}: expected ${counts.join(' or ')} comma-separated numbers (${flag === '--at' ? 'x,y[,z] voxel indices' : 'x,y,z in mm'})`,
      );
    }
    return v;
  };
  if (f.at !== undefined) return { voxel: parse('--at', f.at, [2, 3]) };
  if (f.atMm !== undefined) return { mm: parse('--at-mm', f.atMm, [3]) as [number, number, number] };
  return undefined;
}

/** The input as read and checked, before the model's size is known (bad scans fail before any model loads). */
interface Source {
  kind: ReturnType<typeof scanKind>;
  point?: Point;
  /** PNG/JPEG: `[C, H, W]` planes for 1- and 3-channel models. */
  image?: { gray: Float32Array; rgb: Float32Array; width: number; height: number };
  volume?: ScanVolume;
  /** The voxel of the point (scans), checked against the grid. */
  at?: { x: number; y: number; k: number };
}

/** The model input and where it came from. */
interface Prepared {
  input: Float32Array;
  /** The crop's place on the slice grid, for the paste back. */
  window?: CropWindow;
  volume?: ScanVolume;
  k?: number;
  meta: Record<string, unknown>;
}

/** Reads the input and resolves the point; every refusal about the scan or the point happens here. */
export async function readSource(f: ScanSampleFlags): Promise<Source> {
  const point = parsePoint(f);
  const kind = scanKind(f.image);
  if (kind === 'image') {
    if (point && 'mm' in point) throw new FlowsegInputError('--at-mm needs a scan with geometry (DICOM or NIfTI); give --at x,y pixel indices for a PNG/JPEG');
    if (f.slice !== undefined) throw new FlowsegInputError('--slice applies to volumes (DICOM series, NIfTI); a PNG/JPEG has one slice');
    // The PNG/JPEG decoders load only for a PNG/JPEG input.
    const [{ readImageFile }, { toPlanes }] = await Promise.all([import('../data/image/decode.js'), import('../data/image/raster.js')]);
    const raster = await readImageFile(f.image);
    if (point) checkPoint(point.voxel[0], point.voxel[1], raster.width, raster.height);
    // [C, H, W] in [0, 1], read as the training images were
    return { kind, point, image: { gray: toPlanes(raster, 'luminance'), rgb: toPlanes(raster, 'rgb'), width: raster.width, height: raster.height } };
  }
  const volume = readScanPath(f.image);
  const sliceFlag = f.slice;
  if (sliceFlag !== undefined && !(sliceFlag < volume.nz)) {
    throw new FlowsegInputError(`--slice ${sliceFlag}: ${f.image} has ${volume.nz} slice${volume.nz === 1 ? '' : 's'} (0…${volume.nz - 1})`);
  }
  if (!point) return { kind, volume, at: { x: volume.nx / 2, y: volume.ny / 2, k: sliceFlag ?? Math.floor(volume.nz / 2) } };
  if ('mm' in point) return { kind, point, volume, at: voxelOfWorld(volume, point.mm) };
  const [x, y, z] = point.voxel;
  if (z !== undefined && sliceFlag !== undefined && z !== sliceFlag)
    throw new FlowsegInputError(`--at ${f.at} names slice ${z} but --slice says ${sliceFlag}; give one`);
  const k = z ?? sliceFlag ?? Math.floor(volume.nz / 2);
  checkClick(volume, { x, y, k });
  return { kind, point, volume, at: { x, y, k } };
}

/** The model input for `shape` from a checked source, refusing what would need a silent resize. */
export function prepareInput(f: ScanSampleFlags, src: Source, shape: [number, number, number]): Prepared {
  const [c, h, w] = shape;
  const { point } = src;
  if (src.image) {
    const { width, height } = src.image;
    if (c !== 1 && c !== 3) throw new FlowsegInputError(`${f.image}: the model expects ${c} channels; only 1 (gray) or 3 (RGB) inputs are supported`);
    const planes = c === 3 ? src.image.rgb : src.image.gray;
    if (!point) {
      if (width !== w || height !== h) throw tooBig(f.image, width, height, w, h);
      return { input: planes, meta: {} };
    }
    if (h !== w) throw new FlowsegInputError(`the model's input is ${w}×${h}; crops around --at need a square input`);
    const [x, y] = 'voxel' in point ? point.voxel : [0, 0];
    const window = cropWindow(x, y, w);
    const n = width * height;
    const input = new Float32Array(c * w * w); // [C, S, S]
    for (let p = 0; p < c; p++) input.set(cropSlice(planes.subarray(p * n, (p + 1) * n), width, height, window, 0), p * w * w);
    return { input, window, meta: { at: { x: Math.round(x), y: Math.round(y) }, crop: window } };
  }
  const volume = src.volume as ScanVolume;
  const at = src.at as { x: number; y: number; k: number };
  if (c !== 1) throw new FlowsegInputError(`${f.image}: a scan has 1 channel but the model expects ${c}`);
  if (h !== w) throw new FlowsegInputError(`the model's input is ${w}×${h}; crops around --at need a square input`);
  const scanMeta = {
    kind: src.kind,
    description: volume.description,
    modality: volume.modality,
    units: volume.units,
    frame: volume.frame,
    size: [volume.nx, volume.ny, volume.nz],
    spacing: volume.spacing,
  };
  if (!point) {
    if (volume.nx !== w || volume.ny !== h) throw tooBig(f.image, volume.nx, volume.ny, w, h);
    const input = toModelInput(sliceOf(volume, at.k));
    return { input, window: { x0: 0, y0: 0, size: w }, volume, k: at.k, meta: { scan: scanMeta, slice: at.k, intensity: INTENSITY } };
  }
  const click = clickCrop(volume, at, w, 'mm' in point ? '--at-mm' : '--at');
  return {
    input: click.input,
    window: click.window,
    volume,
    k: click.k,
    meta: {
      scan: scanMeta,
      slice: click.k,
      at: { x: click.x, y: click.y, k: click.k },
      ...('mm' in point ? { atMm: point.mm } : {}),
      crop: click.window,
      intensity: INTENSITY,
    },
  };
}

const INTENSITY = 'min–max over the crop in physical units, 8-bit levels (as the LIDC training crops; docs/scans.md)';

const tooBig = (file: string, iw: number, ih: number, w: number, h: number): FlowsegInputError =>
  new FlowsegInputError(
    `${file} is ${iw}×${ih} but the model takes ${w}×${h}: give --at x,y (pixel indices) to segment a ${w}×${h} crop around a point at full resolution, or --resize to shrink the whole image (lesions shrink with it)`,
  );

/**
 * The maps on the input's slice grid as NIfTI (.nii.gz, one slice, the input's affine moved to
 * that slice, RAS): labels = majority of the n sample masks (foreground in more than half),
 * mean/std/entropy of the sample probabilities; 0 outside the crop.
 */
export function fullSliceMaps(s: ImageSamples, p: Prepared, imageName: string): Record<string, Uint8Array> {
  const window = p.window as CropWindow;
  const v = p.volume;
  const [nx, ny] = v ? [v.nx, v.ny] : [0, 0];
  if (!v) return {};
  const affine = sliceAffine(v.affine, p.k ?? 0);
  const affineRas = v.frame === 'LPS' ? flipXY(affine) : affine;
  const votes = new Float32Array(s.height * s.width);
  for (const m of s.masks) for (let i = 0; i < m.length; i++) votes[i] += m[i];
  const cropLabels = new Uint8Array(votes.length); // [S, S]: the majority on the crop, then pasted (0 outside)
  for (let i = 0; i < votes.length; i++) cropLabels[i] = 2 * (votes[i] as number) > s.masks.length ? 1 : 0;
  const labels = new Uint8Array(pasteBack(cropLabels, window, nx, ny)); // [ny, nx]
  const name = imageName.split(/[\\/]/).filter(Boolean).pop() ?? 'scan';
  const nifti = (data: Float32Array | Uint8Array, what: string): Uint8Array =>
    encodeNifti({ data, nx, ny, nz: 1, affineRas, description: `flowseg ${what} ${name} k=${p.k ?? 0}` }, { gzip: (raw) => gzipSync(raw) });
  return {
    'labels.nii.gz': nifti(labels, 'labels'),
    'mean.nii.gz': nifti(pasteBack(s.mean, window, nx, ny), 'mean'),
    'std.nii.gz': nifti(pasteBack(s.std, window, nx, ny), 'std'),
    'entropy.nii.gz': nifti(pasteBack(entropyMap(s.probs), window, nx, ny), 'entropy'),
  };
}

/** The whole command on this path; returns what was written, for the summary line. */
export async function sampleScan(f: ScanSampleFlags, meta: Record<string, unknown>): Promise<{ samples: ImageSamples; full: string[] }> {
  const source = await readSource(f); // a bad scan or point fails before any model loads
  const engine = await openEngine(f.engine, f.checkpoint);
  try {
    const prepared = prepareInput(f, source, engine.inputShape);
    const samples = await engine.sample(prepared.input, f.n, f.seed);
    const full = fullSliceMaps(samples, prepared, f.image);
    writeSamples(
      f.out,
      samples,
      { ...meta, ...prepared.meta, ...(Object.keys(full).length ? { fullSlice: Object.keys(full) } : {}) },
      f.overwrite,
      undefined,
      full,
    );
    return { samples, full: Object.keys(full) };
  } finally {
    await engine.close();
  }
}

/** `--resize` keeps the old whole-image path, which reads PNG/JPEG and 2-D NIfTI only. */
export function checkResizable(f: Pick<ScanSampleFlags, 'image' | 'at' | 'atMm' | 'slice'>): void {
  if (f.at !== undefined || f.atMm !== undefined || f.slice !== undefined) {
    throw new FlowsegInputError('--resize shrinks the whole image; it does not combine with --at, --at-mm or --slice');
  }
  const kind = scanKind(f.image);
  if (kind === 'dicom' || kind === 'dicom-folder')
    throw new FlowsegInputError(`--resize reads PNG/JPEG and 2-D NIfTI; for the DICOM ${f.image} give --at x,y[,z]`);
}
