/**
 * Reader for the Kohl/Knegt `data_lidc.pickle` (a dict: "<scan>_slice<N>[lesion<M>]" →
 * {image: float64 [H,W], masks: [R × [H,W] 0/1], series_uid, pixel_spacing}). Entries are
 * streamed straight out of the unpickler, so the 3.4 GB original is read in bounded memory.
 */
import { FlowsegInputError } from '../util/errors.js';
import { checkLimit, checkPixels } from '../util/limits.js';
import type { ReaderOptions } from './types.js';
import { type NumericArray, ndValues } from './pickle/ndarray.js';
import { StreamingUnpickler } from './pickle/unpickler.js';
import { NdArray, PyDict, PyTuple, type PyValue } from './pickle/values.js';
import type { DataItem, ItemStream } from './types.js';

export async function* readLidcPickle(input: string, options: ReaderOptions = {}): ItemStream {
  const unpickler = new StreamingUnpickler(input);
  let raters = -1;
  let count = 0;
  for (const [key, value] of unpickler.entries()) {
    if (options.limit !== undefined && count >= options.limit) return;
    const item = toItem(input, key, value, options.size);
    if (raters < 0) raters = item.raters;
    if (item.raters !== raters) {
      throw new FlowsegInputError(
        `${input}: entry '${item.id}' has ${item.raters} rater masks, earlier entries have ${raters}; ` +
          'every slice needs the same number of raters (pad missing raters with empty masks)',
      );
    }
    count++;
    yield item;
  }
  if (count === 0) throw new FlowsegInputError(`${input}: the pickle's dict is empty — no slices to read`);
}

function toItem(file: string, key: PyValue, value: PyValue, size: number | undefined): DataItem {
  const bad = (what: string): never => {
    throw new FlowsegInputError(
      `${file}: entry '${String(key)}' ${what}; expected the data_lidc.pickle layout ` + "{'image': float [H,W], 'masks': [R × [H,W] 0/1], 'series_uid': str}",
    );
  };
  if (typeof key !== 'string') bad('has a non-string key');
  if (!(value instanceof PyDict)) return bad('is not a dict');
  const id = key as string;
  const image = value.get('image');
  if (!(image instanceof NdArray)) return bad("has no numpy array 'image'");
  const [h, w] = plane(image, bad, 'image');
  checkPixels(w, h, `${file}: entry '${id}' image`);
  if (size !== undefined && (h !== size || w !== size)) bad(`image is ${h}×${w}, expected ${size}×${size} (--size)`);
  const masksValue = value.get('masks');
  const masks = Array.isArray(masksValue) ? masksValue : masksValue instanceof PyTuple ? masksValue.items : undefined;
  if (!masks || masks.length === 0) return bad("has no list of rater 'masks'");
  checkLimit('maxRaters', masks.length, `${file}: entry '${id}' has ${masks.length} rater masks`, 'the file is corrupt, or pass one mask per rater');

  const img = new Float32Array(h * w); // [1, H, W]
  img.set(convert(image, bad, 'image'));
  const out = new Uint8Array(masks.length * h * w); // [R, H, W]
  masks.forEach((m, r) => {
    if (!(m instanceof NdArray)) {
      bad(`mask ${r} is not a numpy array`);
      return;
    }
    const [mh, mw] = plane(m, bad, `mask ${r}`);
    if (mh !== h || mw !== w) bad(`mask ${r} is ${mh}×${mw} but the image is ${h}×${w}`);
    const dst = out.subarray(r * h * w, (r + 1) * h * w);
    const vals = convert(m, bad, `mask ${r}`);
    dst.set(vals); // typed-array set converts natively; a changed value means it was not 0/1
    for (let i = 0; i < dst.length; i++) {
      if (dst[i] !== vals[i] || dst[i] > 1) bad(`mask ${r} holds the value ${vals[i]}; rater masks must be exactly 0 or 1`);
    }
  });
  const uid = value.get('series_uid');
  // series_uid is 1:1 with the key prefix; fall back to the prefix when it is missing.
  const patientId = typeof uid === 'string' && uid !== '' ? uid : id.replace(/_slice.*$/, '');
  return { id, patientId, channels: 1, height: h, width: w, image: img, raters: masks.length, masks: out };
}

/** [H, W] of a 2-D array (or a [1, H, W] one). */
function plane(nd: NdArray, bad: (w: string) => never, what: string): [number, number] {
  const s = nd.shape.length === 3 && nd.shape[0] === 1 ? nd.shape.slice(1) : nd.shape;
  if (s.length !== 2) bad(`${what} has shape [${nd.shape}], expected 2-D`);
  return [s[0], s[1]];
}

function convert(nd: NdArray, bad: (w: string) => never, what: string): NumericArray {
  try {
    return ndValues(nd);
  } catch (err) {
    return bad(`${what}: ${(err as Error).message}`);
  }
}
