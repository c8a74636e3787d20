/** Random access to a prepared dataset: item i is two positioned reads, nothing is preloaded. */
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { FlowsegInputError } from '../../util/errors.js';
import type { DataItem, Dataset } from '../types.js';
import type { DatasetSummary } from '../summary.js';
import { INDEX_FILE, type PreparedIndex, preparedIndexSchema } from './format.js';

const MAX_INDEX_BYTES = 512 * 1024 ** 2;

export type PreparedDataset = Dataset & { readonly index: PreparedIndex };

export function readPreparedIndex(dir: string): PreparedIndex {
  const path = join(dir, INDEX_FILE);
  if (!existsSync(path)) {
    throw new FlowsegInputError(
      `${dir} is not a prepared dataset (no ${INDEX_FILE}); if it holds raw data, prepare it into a new folder: flowseg prepare --format <name> ${dir} --out ${dir.replace(/\/+$/, '')}-prepared`,
    );
  }
  // V8 cannot hold a longer string; flowseg's own index.json is ~100 bytes per item.
  if (statSync(path).size > MAX_INDEX_BYTES) {
    throw new FlowsegInputError(
      `${path} is ${statSync(path).size.toLocaleString('en-US')} bytes, far more than an index of ids needs; the folder is damaged — re-run flowseg prepare`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new FlowsegInputError(`${path} is not valid JSON (${(err as Error).message}); re-run flowseg prepare`);
  }
  const parsed = preparedIndexSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new FlowsegInputError(`${path}: ${issue.path.join('.') || '(root)'}: ${issue.message}; re-run flowseg prepare with this version`);
  }
  const index = parsed.data;
  const n = index.shape.items;
  if (index.ids.length !== n || index.patientIds.length !== n || index.nonEmptyRaters.length !== n) {
    throw new FlowsegInputError(`${path}: ids/patientIds/nonEmptyRaters do not have ${n} entries; re-run flowseg prepare`);
  }
  return index;
}

export function openPrepared(dir: string): PreparedDataset {
  const index = readPreparedIndex(dir);
  const { items, channels: c, raters: r, height: h, width: w } = index.shape;
  const imageBytes = c * h * w * 4;
  const maskBytes = r * h * w;
  const imagesFd = openChecked(join(dir, index.files.images), items * imageBytes);
  const masksFd = openChecked(join(dir, index.files.masks), items * maskBytes);
  let open = true;
  return {
    index,
    shape: { ...index.shape },
    ids: index.ids,
    patientIds: index.patientIds,
    get(i: number): DataItem {
      if (!open) throw new Error('prepared dataset is closed');
      if (!(Number.isInteger(i) && i >= 0 && i < items)) throw new RangeError(`item ${i} is out of range [0, ${items})`);
      const image = new Float32Array(c * h * w); // [C, H, W]
      readSync(imagesFd, new Uint8Array(image.buffer), 0, imageBytes, i * imageBytes);
      const masks = new Uint8Array(maskBytes); // [R, H, W]
      readSync(masksFd, masks, 0, maskBytes, i * maskBytes);
      return { id: index.ids[i], patientId: index.patientIds[i], channels: c, height: h, width: w, image, raters: r, masks };
    },
    close(): void {
      if (!open) return;
      open = false;
      closeSync(imagesFd);
      closeSync(masksFd);
    },
  };
}

function openChecked(path: string, expectedBytes: number): number {
  if (!existsSync(path)) throw new FlowsegInputError(`${path} is missing; re-run flowseg prepare`);
  const fd = openSync(path, 'r');
  const size = fstatSync(fd).size;
  if (size !== expectedBytes) {
    closeSync(fd);
    throw new FlowsegInputError(`${path} has ${size} bytes, index.json implies ${expectedBytes}; the folder is incomplete — re-run flowseg prepare`);
  }
  return fd;
}

/** The `data info` summary straight from index.json (no pixel data is read). */
export function preparedSummary(index: PreparedIndex): DatasetSummary {
  const hist = new Array<number>(index.shape.raters + 1).fill(0);
  for (const k of index.nonEmptyRaters) hist[k]++;
  return {
    items: index.shape.items,
    patients: index.shape.patients,
    raters: index.shape.raters,
    height: index.shape.height,
    width: index.shape.width,
    nonEmptyRaters: Object.fromEntries(hist.map((c, k) => [String(k), c])),
    channels: index.shape.channels,
    imageRange: index.summary.imageRange,
    foregroundFraction: index.summary.foregroundFraction,
  };
}
