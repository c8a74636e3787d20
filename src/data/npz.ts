/**
 * NumPy arrays: a `.npz` holding `images` and `masks` (optionally `ids`, `patient_ids`), or a
 * folder with `images.npy` + `masks.npy` (+ `ids.npy`, `patient_ids.npy`).
 *   images `[N, H, W]` or `[N, C, H, W]`; masks `[N, R, H, W]` (or `[N, H, W]` for R = 1).
 * Image values: `uint8` is divided by 255 (8-bit pixels), other dtypes are kept as float32.
 * Mask values must be exactly 0 or 1 in any numeric dtype. Items stream one at a time
 * straight from the file (inflating `savez_compressed` members as they are consumed), so
 * a large array is never decoded twice, nor once whole.
 */
import { existsSync, statSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { join } from 'node:path';
import { FlowsegInputError } from '../util/errors.js';
import { checkLimit, checkPixels } from '../util/limits.js';
import type { ReaderOptions } from './types.js';
import { decodeStrings, elementReader, NPY_PREAMBLE, type NpyHeader, npyHeaderLength, parseNpyHeader } from './npzFormat.js';
import { type ByteSource, fileRange, listZip, openMember } from './npzSource.js';
import type { DataItem, ItemStream } from './types.js';

/** One array opened for streaming: header parsed, source positioned at the first element. */
interface OpenArray {
  label: string;
  header: NpyHeader;
  source: ByteSource;
}

const ARRAYS = ['images', 'masks', 'ids', 'patient_ids'] as const;
type ArrayName = (typeof ARRAYS)[number];

/** Wraps any parsing/reading failure as one actionable line naming the file. */
async function guard<T>(label: string, fix: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof FlowsegInputError) throw e;
    throw new FlowsegInputError(`${label}: ${(e as Error).message}; ${fix}`);
  }
}

async function openArray(label: string, source: ByteSource, available: number): Promise<OpenArray> {
  return guard(label, 'the array is corrupt or truncated, re-save it with np.save / np.savez', async () => {
    const pre = await source.read(NPY_PREAMBLE);
    const rest = await source.read(npyHeaderLength(pre) - NPY_PREAMBLE);
    const head = new Uint8Array(pre.length + rest.length);
    head.set(pre);
    head.set(rest, pre.length);
    const header = parseNpyHeader(head);
    const need = header.dataOffset + header.shape.reduce((a, b) => a * b, 1) * header.dtype.size;
    if (available < need) throw new Error(`truncated: ${available} bytes, shape ${fmt(header.shape)} needs ${need}`);
    return { label, header, source };
  });
}

/** Opens the arrays of a `.npz` or of a folder of `.npy` files. */
async function openInput(input: string, handles: FileHandle[]): Promise<Map<ArrayName, OpenArray>> {
  const found = new Map<ArrayName, OpenArray>();
  if (existsSync(input) && statSync(input).isDirectory()) {
    for (const name of ARRAYS) {
      const file = join(input, `${name}.npy`);
      if (!existsSync(file)) continue;
      const fh = await open(file, 'r');
      handles.push(fh);
      const size = (await fh.stat()).size;
      found.set(name, await openArray(file, fileRange(fh, 0, size), size));
    }
    return found;
  }
  if (!existsSync(input)) throw new FlowsegInputError(`${input} does not exist; pass a .npz file or a folder with images.npy and masks.npy`);
  if (input.endsWith('.npy')) {
    throw new FlowsegInputError(`${input}: a lone .npy has no masks; put images.npy and masks.npy in one folder and pass the folder`);
  }
  const fh = await open(input, 'r');
  handles.push(fh);
  const size = (await fh.stat()).size;
  const members = await guard(input, 'the .npz is corrupt or truncated, re-save it with np.savez', () => listZip(fh, size));
  for (const name of ARRAYS) {
    const m = members.find((x) => x.name === `${name}.npy`);
    if (m === undefined) continue;
    const label = `${input}:${name}`;
    const source = await guard(label, 're-save it with np.savez or np.savez_compressed', () => openMember(fh, size, m));
    found.set(name, await openArray(label, source, m.size));
  }
  if (!found.has('images') || !found.has('masks')) {
    const names = members.map((m) => m.name.replace(/\.npy$/, '')).join(', ') || 'nothing';
    throw new FlowsegInputError(`${input} holds ${names}; expected arrays "images" and "masks" — save with np.savez(f, images=…, masks=…)`);
  }
  return found;
}

const fmt = (s: readonly number[]): string => `(${s.join(', ')})`;

/** A reader of the next string of an optional 1-D id array, one element per item (never the whole array at once). */
function idReader(a: OpenArray | undefined, count: number): (() => Promise<string>) | undefined {
  if (a === undefined) return undefined;
  const { shape, dtype } = a.header;
  if (shape.length !== 1 || shape[0] !== count) {
    throw new FlowsegInputError(`${a.label} has shape ${fmt(shape)}, expected (${count},) — one id per image`);
  }
  return () => guard(a.label, 'save ids as strings or integers', async () => decodeStrings(dtype, await a.source.read(dtype.size), 1)[0]);
}

export async function* readNpz(input: string, options: ReaderOptions = {}): ItemStream {
  const handles: FileHandle[] = [];
  try {
    const arrays = await openInput(input, handles);
    const images = arrays.get('images');
    const masks = arrays.get('masks');
    if (images === undefined || masks === undefined) {
      const missing = images === undefined ? 'images.npy' : 'masks.npy';
      throw new FlowsegInputError(`${join(input, missing)} is missing; the folder form needs images.npy and masks.npy`);
    }
    const is = images.header.shape;
    const ms = masks.header.shape;
    if (is.length !== 3 && is.length !== 4) throw new FlowsegInputError(`${images.label} has shape ${fmt(is)}; expected [N, H, W] or [N, C, H, W]`);
    if (ms.length !== 3 && ms.length !== 4) throw new FlowsegInputError(`${masks.label} has shape ${fmt(ms)}; expected [N, R, H, W]`);
    const [N, C, H, W] = is.length === 3 ? [is[0], 1, is[1], is[2]] : is;
    const [MN, R, MH, MW] = ms.length === 3 ? [ms[0], 1, ms[1], ms[2]] : ms;
    // Before any item buffer is allocated: one item must fit the per-image limits.
    checkPixels(W, H, `${images.label} (shape ${fmt(is)})`);
    checkLimit('maxChannels', C, `${images.label}: shape ${fmt(is)} has ${C} channels`);
    checkLimit('maxRaters', R, `${masks.label}: shape ${fmt(ms)} has ${R} raters`);
    if (MN !== N || MH !== H || MW !== W) {
      throw new FlowsegInputError(`${masks.label} has shape ${fmt(ms)} but images are ${fmt(is)}; masks must be [${N}, R, ${H}, ${W}]`);
    }
    if (N === 0 || R === 0 || H === 0 || W === 0 || C === 0) throw new FlowsegInputError(`${images.label}: empty dataset (shape ${fmt(is)}, masks ${fmt(ms)})`);
    for (const a of [images, masks]) {
      if (!['f', 'i', 'u', 'b'].includes(a.header.dtype.kind)) {
        throw new FlowsegInputError(`${a.label} has dtype ${a.header.dtype.descr}; expected numbers (float32, uint8, bool, …)`);
      }
    }
    const nextId = idReader(arrays.get('ids'), N);
    const nextPatient = idReader(arrays.get('patient_ids'), N);
    const width = String(N - 1).length;
    const imageScale = images.header.dtype.descr.endsWith('u1') ? 1 / 255 : 1;
    const limit = Math.min(N, options.limit ?? N);
    const plane = H * W;
    for (let n = 0; n < limit; n++) {
      const fix = 'the array is truncated, re-save it';
      const ib = await guard(images.label, fix, () => images.source.read(C * plane * images.header.dtype.size));
      const read = elementReader(images.header.dtype, new DataView(ib.buffer));
      const image = new Float32Array(C * plane); // [C, H, W]
      for (let i = 0; i < image.length; i++) image[i] = read(i) * imageScale;
      const mb = await guard(masks.label, fix, () => masks.source.read(R * plane * masks.header.dtype.size));
      const readMask = elementReader(masks.header.dtype, new DataView(mb.buffer));
      const mask = new Uint8Array(R * plane); // [R, H, W]
      for (let i = 0; i < mask.length; i++) {
        const v = readMask(i);
        if (v !== 0 && v !== 1) {
          throw new FlowsegInputError(`${masks.label}[${n}, ${Math.floor(i / plane)}] holds ${v}; masks must be 0/1 (e.g. save (m > 0).astype(np.uint8))`);
        }
        mask[i] = v;
      }
      const id = nextId ? await nextId() : String(n).padStart(width, '0');
      const patientId = nextPatient ? await nextPatient() : id;
      const item: DataItem = { id, patientId, channels: C, height: H, width: W, image, raters: R, masks: mask };
      yield item;
    }
  } finally {
    await Promise.all(handles.map((h) => h.close()));
  }
}
