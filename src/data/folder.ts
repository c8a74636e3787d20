/**
 * Generic multi-rater folder, in the nnU-Net spirit:
 *
 * ```
 * <root>/dataset.json            {"channel_names" | "modality", "raters"?, "file_ending"?, "patients"?, "name"?, "labels"?}
 * <root>/imagesTr/<case>_0000.png|.nii|.nii.gz   one file per channel, 4-digit channel index
 * <root>/labelsTr/<case>_rater0.png|.nii|.nii.gz one file per rater, rater index from 0
 * <root>/labelsTr/<case>.png|.nii|.nii.gz        without "raters": a plain nnU-Net dataset, one rater
 * ```
 * As in nnU-Net, a natural RGB image may be one `<case>_0000.png` when dataset.json names 3 channels.
 * A 2D file is one item (`id = case`); a 3D NIfTI volume yields one item per axial slice
 * (`id = <case>/slice-<k>`, k from 0 along the file's third axis, no reorientation).
 * patientId is `patients[case]` when dataset.json maps it, else the case name.
 * Intensities: PNG samples are divided by full scale (255 or 65535); NIfTI values are kept
 * (after scl_slope/scl_inter), so normalise CT/MR yourself. Labels must hold 0 and one
 * foreground value (1, or 255/65535 in PNG); anything else is refused as non-binary.
 */
import { extname } from 'node:path';
import { FlowsegInputError } from '../util/errors.js';
import { checkPixels } from '../util/limits.js';
import type { ReaderOptions } from './types.js';
import { readImageFile } from './image/decode.js';
import { readNifti, type Volume } from './image/nifti.js';
import { grayLevels } from './image/raster.js';
import { resizeBilinear, resizeNearest } from './image/resize.js';
import { scanFolder } from './folderLayout.js';
import type { DataItem, ItemStream } from './types.js';

/** A file's samples as a stack of `[Z, Y, X]` planes plus the value that means "full scale". */
interface Stack extends Volume {
  fullScale: number;
}

async function readStack(file: string): Promise<Stack> {
  if (extname(file) === '.png') {
    const r = await readImageFile(file);
    if (r.channels !== 1) {
      throw new FlowsegInputError(`${file}: colour PNG; the folder format stores one gray file per channel (_0000, _0001, …) — split or convert it`);
    }
    return { nx: r.width, ny: r.height, nz: 1, data: grayLevels(r), fullScale: r.maxValue };
  }
  return { ...(await readNifti(file)), fullScale: 1 };
}

/** The three channels of an RGB `<case>_0000.png` (nnU-Net's natural-image exception). */
async function readRgbStacks(file: string): Promise<Stack[]> {
  const r = await readImageFile(file);
  if (r.channels !== 3) {
    throw new FlowsegInputError(`${file} is gray, but dataset.json names 3 channels and the case has no _0001/_0002 files; add them, or name one channel`);
  }
  const n = r.width * r.height;
  return [0, 1, 2].map((c) => {
    const data = new Float32Array(n); // [H, W] samples of channel c
    for (let i = 0; i < n; i++) data[i] = r.data[3 * i + c] as number;
    return { nx: r.width, ny: r.height, nz: 1, data, fullScale: r.maxValue };
  });
}

function sameGrid(s: Stack, file: string, ref: Stack, refFile: string): void {
  if (s.nx !== ref.nx || s.ny !== ref.ny || s.nz !== ref.nz) {
    throw new FlowsegInputError(
      `${file} is ${s.nx}×${s.ny}×${s.nz}, expected ${ref.nx}×${ref.ny}×${ref.nz} like ${refFile}; images and labels of a case must share one grid`,
    );
  }
}

/** 0/1 masks from a label stack, refusing multi-class or soft labels. */
function binarize(s: Stack, file: string): Uint8Array {
  const out = new Uint8Array(s.data.length); // [Z, Y, X]
  for (let i = 0; i < s.data.length; i++) {
    const v = s.data[i];
    if (v === 0) continue;
    if (v !== 1 && v !== s.fullScale) {
      const plane = s.nx * s.ny;
      const at = `(${i % s.nx}, ${Math.floor(i / s.nx) % s.ny}${s.nz > 1 ? `, ${Math.floor(i / plane)}` : ''})`;
      throw new FlowsegInputError(`${file}: label value ${v} at ${at} is not binary; flowseg segments one structure per rater — save labels as 0/1`);
    }
    out[i] = 1;
  }
  return out;
}

/** Reads a folder dataset (see the module comment and docs/data-formats.md#folder). */
export async function* readFolder(input: string, options: ReaderOptions = {}): ItemStream {
  if (options.size !== undefined) checkPixels(options.size, options.size, '--size', 'pass e.g. --size 128');
  const { spec, cases } = await scanFolder(input);
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  let yielded = 0;
  let first: { w: number; h: number; file: string } | undefined;
  for (const c of cases) {
    const channels = c.rgb ? await readRgbStacks(c.channelFiles[0]) : [];
    for (const f of c.rgb ? [] : c.channelFiles) {
      const s = await readStack(f);
      if (channels.length > 0) sameGrid(s, f, channels[0], c.channelFiles[0]);
      channels.push(s);
    }
    const ref = channels[0];
    const masks = [];
    for (const f of c.raterFiles) {
      const s = await readStack(f);
      sameGrid(s, f, ref, c.channelFiles[0]);
      masks.push(binarize(s, f));
    }
    const { nx: W, ny: H, nz: Z } = ref;
    if (options.size === undefined) {
      // Without --size every item must share the first case's grid: batches need one shape.
      first ??= { w: W, h: H, file: c.channelFiles[0] };
      if (W !== first.w || H !== first.h) {
        throw new FlowsegInputError(`${c.channelFiles[0]} is ${W}×${H}, expected ${first.w}×${first.h} like ${first.file}; resize it or pass --size`);
      }
    }
    const outH = options.size ?? H;
    const outW = options.size ?? W;
    const plane = W * H;
    const patientId = spec.patients?.[c.name] ?? c.name;
    for (let z = 0; z < Z; z++) {
      if (yielded >= limit) return;
      const image = new Float32Array(channels.length * plane); // [C, H, W]
      channels.forEach((s, ci) => {
        const scale = 1 / s.fullScale;
        for (let i = 0; i < plane; i++) image[ci * plane + i] = s.data[z * plane + i] * scale;
      });
      const mask = new Uint8Array(masks.length * plane); // [R, H, W]
      for (const [r, m] of masks.entries()) mask.set(m.subarray(z * plane, (z + 1) * plane), r * plane);
      const item: DataItem = {
        id: Z > 1 ? `${c.name}/slice-${z}` : c.name,
        patientId,
        channels: channels.length,
        height: outH,
        width: outW,
        image: resizeBilinear(image, channels.length, H, W, outH, outW),
        raters: masks.length,
        masks: resizeNearest(mask, masks.length, H, W, outH, outW),
      };
      yield item;
      yielded++;
    }
  }
}
