/**
 * Streams items into the prepared format. Everything is written into a temp folder beside
 * `out` and renamed into place only when complete, so an error leaves nothing half-written.
 */
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { checkOutputDir, stageOutputDir } from '../../util/outputDir.js';
import { FlowsegInputError } from '../../util/errors.js';
import { checkLimit, limit } from '../../util/limits.js';
import { type DatasetSummary, SummaryAccumulator, nonEmptyRaterCount } from '../summary.js';
import type { PartCount } from '../parts.js';
import type { DataItem, DatasetShape, ItemStream } from '../types.js';
import { IMAGES_FILE, INDEX_FILE, MASKS_FILE, PREPARED_VERSION, type PreparedIndex } from './format.js';

export interface PrepareOptions {
  out: string;
  /**
   * Recorded in index.json: which reader produced it, from what. `parts` (several inputs) may
   * fill while `items` streams (readParts); it is read when the index is written.
   */
  source: { format: string; input: string; parts?: PartCount[] };
  /** Replace an existing prepared dataset at `out`. */
  overwrite?: boolean;
  /** Called after each item (for progress). */
  onItem?: (count: number) => void;
}

export async function writePrepared(items: ItemStream, options: PrepareOptions): Promise<DatasetSummary> {
  checkOut(options.out, options.overwrite === true);
  const staged = stageOutputDir(options.out, 'prepared', { overwrite: options.overwrite });
  const tmp = staged.tmp;
  const fds: number[] = [];
  try {
    const imagesFd = openSync(join(tmp, IMAGES_FILE), 'w');
    fds.push(imagesFd);
    const masksFd = openSync(join(tmp, MASKS_FILE), 'w');
    fds.push(masksFd);
    const acc = new SummaryAccumulator();
    const ids: string[] = [];
    const patientIds: string[] = [];
    const nonEmpty: number[] = [];
    const seen = new Set<string>();
    const maxItems = limit('maxItems');
    let shape: Omit<DatasetShape, 'items' | 'patients'> | undefined;
    for await (const item of items) {
      // Readers that never wait on I/O (synthetic) would starve the event loop: let signals in.
      if (ids.length % 64 === 63) await new Promise((r) => setImmediate(r));
      shape ??= { channels: item.channels, raters: item.raters, height: item.height, width: item.width };
      checkItem(item, shape, seen);
      if (ids.length === maxItems) checkLimit('maxItems', ids.length + 1, `${options.source.input} yields more than ${maxItems} items`, 'split the dataset');
      writeSync(imagesFd, new Uint8Array(item.image.buffer, item.image.byteOffset, item.image.byteLength));
      writeSync(masksFd, item.masks);
      const k = nonEmptyRaterCount(item);
      acc.add(item, k);
      ids.push(item.id);
      patientIds.push(item.patientId);
      nonEmpty.push(k);
      options.onItem?.(ids.length);
    }
    if (!shape || ids.length === 0) {
      throw new FlowsegInputError(`${options.source.input}: no items found (empty dataset) — check the path and --format ${options.source.format}`);
    }
    const summary = acc.result();
    const index: PreparedIndex = {
      format: 'flowseg-prepared',
      version: PREPARED_VERSION,
      source: options.source.parts && options.source.parts.length > 1 ? options.source : { format: options.source.format, input: options.source.input },
      createdAt: new Date().toISOString(),
      shape: { items: ids.length, patients: summary.patients, ...shape },
      files: { images: IMAGES_FILE, masks: MASKS_FILE },
      ids,
      patientIds,
      nonEmptyRaters: nonEmpty,
      summary: { imageRange: summary.imageRange, foregroundFraction: summary.foregroundFraction },
    };
    for (const fd of fds.splice(0)) closeSync(fd);
    writeFileSync(join(tmp, INDEX_FILE), `${JSON.stringify(index)}\n`);
    staged.commit();
    return summary;
  } catch (err) {
    for (const fd of fds) closeSync(fd);
    staged.abort();
    throw err;
  }
}

/**
 * `out` may be new, an empty folder, or (with --overwrite) an earlier prepared dataset: preparing
 * takes long, so unlike other outputs an earlier dataset is never replaced without asking.
 */
function checkOut(out: string, overwrite: boolean): void {
  const mode = checkOutputDir(out, 'prepared', { overwrite });
  if (mode === 'own' && !overwrite) {
    throw new FlowsegInputError(`--out ${out} already holds a prepared dataset; choose a new folder or pass --overwrite to replace it`);
  }
}

function checkItem(item: DataItem, shape: Omit<DatasetShape, 'items' | 'patients'>, seen: Set<string>): void {
  const { channels: c, raters: r, height: h, width: w } = shape;
  if (item.channels !== c || item.height !== h || item.width !== w) {
    throw new FlowsegInputError(
      `item ${item.id} is ${item.channels}×${item.height}×${item.width}, expected ${c}×${h}×${w} like the first item; ` +
        'resize the inputs to one size (e.g. --size)',
    );
  }
  if (item.raters !== r) {
    throw new FlowsegInputError(`item ${item.id} has ${item.raters} rater masks, expected ${r}; every item needs the same raters`);
  }
  if (item.image.length !== c * h * w || item.masks.length !== r * h * w) {
    throw new Error(`reader bug: item ${item.id} arrays do not match its shape`);
  }
  if (seen.has(item.id)) throw new FlowsegInputError(`item id ${item.id} occurs twice; ids must be unique`);
  seen.add(item.id);
}
