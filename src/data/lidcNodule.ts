/**
 * Turns the files of one LIDC nodule folder (`images/` + `mask-0..mask-R-1/`, `slice-<n>.png`)
 * into DataItems, with the checks shared by the loose-folder and the tar reader.
 */
import { FlowsegInputError } from '../util/errors.js';
import { checkLimit } from '../util/limits.js';
import { decodeGrayPng, maskFromGray } from './png.js';
import type { DataItem } from './types.js';

/** Loads one file's bytes (from disk or from a tar entry already in memory). */
export type FileLoader = () => Buffer;

export interface NoduleFiles {
  patient: string;
  nodule: number;
  /** How to name the nodule folder in messages, e.g. `lidc-png/LIDC-IDRI-0001/nodule-0`. */
  label: string;
  /** folder name (`images`, `mask-0`, …) → slice number → loader. */
  folders: Map<string, Map<number, FileLoader>>;
}

/** Shape facts fixed by the first nodule (or by --size) and checked on every later one. */
export interface TreeExpectations {
  size?: { height: number; width: number };
  raters?: number;
}

export const SLICE_RE = /^slice-(\d+)\.png$/;
export const NODULE_RE = /^nodule-(\d+)$/;
const MASK_RE = /^mask-(\d+)$/;

export function* noduleItems(g: NoduleFiles, expect: TreeExpectations): Generator<DataItem> {
  const images = g.folders.get('images');
  if (!images || images.size === 0) {
    throw new FlowsegInputError(`${g.label} has no images/slice-<n>.png files; each nodule folder needs images/ and mask-0..mask-3/`);
  }
  const raterIds = [...g.folders.keys()]
    .map((f) => MASK_RE.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
  if (raterIds.length === 0 || raterIds.some((r, i) => r !== i)) {
    const want = expect.raters ?? Math.max(raterIds.length, 1);
    const missing = Array.from({ length: Math.max(want, (raterIds.at(-1) ?? -1) + 1) }, (_, i) => i).filter((i) => !raterIds.includes(i));
    throw new FlowsegInputError(
      `${g.label} is missing rater folder(s) ${missing.map((i) => `mask-${i}/`).join(', ')}; ` +
        'raters must be numbered mask-0, mask-1, … without gaps (add the folder with empty masks if a rater marked nothing)',
    );
  }
  const raters = raterIds.length;
  checkLimit('maxRaters', raters, `${g.label} has ${raters} rater folders`, 'keep one mask-<r>/ folder per rater');
  if (expect.raters === undefined) expect.raters = raters;
  if (raters !== expect.raters) {
    throw new FlowsegInputError(
      `${g.label} has ${raters} rater folder(s) but earlier nodules have ${expect.raters}; ` +
        'every nodule needs the same raters (add empty mask folders for raters who marked nothing)',
    );
  }
  const slices = [...images.keys()].sort((a, b) => a - b);
  for (let r = 0; r < raters; r++) {
    const folder = g.folders.get(`mask-${r}`) as Map<number, FileLoader>;
    for (const n of slices) {
      if (!folder.has(n)) {
        throw new FlowsegInputError(`${g.label}/mask-${r}/slice-${n}.png is missing (images/slice-${n}.png exists); every rater needs a mask per slice`);
      }
    }
  }
  for (const n of slices) {
    const file = (folder: string): string => `${g.label}/${folder}/slice-${n}.png`;
    const img = decodeGrayPng((images.get(n) as FileLoader)(), file('images'));
    if (!expect.size) expect.size = { height: img.height, width: img.width };
    const { height: h, width: w } = expect.size;
    if (img.height !== h || img.width !== w) {
      throw new FlowsegInputError(`${file('images')} is ${img.height}×${img.width}, expected ${h}×${w} like the other slices`);
    }
    const image = new Float32Array(h * w); // [1, H, W]
    for (let i = 0; i < image.length; i++) image[i] = img.gray[i] / 255;
    const masks = new Uint8Array(raters * h * w); // [R, H, W]
    for (let r = 0; r < raters; r++) {
      const name = file(`mask-${r}`);
      const m = decodeGrayPng(((g.folders.get(`mask-${r}`) as Map<number, FileLoader>).get(n) as FileLoader)(), name);
      if (m.height !== h || m.width !== w) {
        throw new FlowsegInputError(`${name} is ${m.height}×${m.width}, expected ${h}×${w} like its image`);
      }
      masks.set(maskFromGray(m.gray, name), r * h * w);
    }
    yield {
      id: `${g.patient}/nodule-${g.nodule}/slice-${n}`,
      patientId: g.patient,
      channels: 1,
      height: h,
      width: w,
      image,
      raters,
      masks,
    };
  }
}
