/**
 * Streams items into the prepared format. Everything is written into a temp folder beside
 * `out` and renamed into place only when complete, so an error leaves nothing half-written.
 */
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { FlowsegInputError } from '../../util/errors.js';
import { type DatasetSummary, SummaryAccumulator, nonEmptyRaterCount } from '../summary.js';
import type { DataItem, DatasetShape, ItemStream } from '../types.js';
import { IMAGES_FILE, INDEX_FILE, MASKS_FILE, PREPARED_VERSION, type PreparedIndex } from './format.js';

export interface PrepareOptions {
  out: string;
  /** Recorded in index.json: which reader produced it, from what. */
  source: { format: string; input: string };
  /** Replace an existing prepared dataset at `out`. */
  overwrite?: boolean;
  /** Called after each item (for progress). */
  onItem?: (count: number) => void;
}

export async function writePrepared(items: ItemStream, options: PrepareOptions): Promise<DatasetSummary> {
  const out = resolve(options.out);
  checkOut(out, options.overwrite === true);
  mkdirSync(dirname(out), { recursive: true });
  const tmp = join(dirname(out), `.${basename(out)}.tmp-${process.pid}-${Date.now()}`);
  mkdirSync(tmp);
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
    let shape: Omit<DatasetShape, 'items' | 'patients'> | undefined;
    for await (const item of items) {
      shape ??= { channels: item.channels, raters: item.raters, height: item.height, width: item.width };
      checkItem(item, shape, seen);
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
      source: options.source,
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
    if (existsSync(out)) rmSync(out, { recursive: true, force: true });
    renameSync(tmp, out);
    return summary;
  } catch (err) {
    for (const fd of fds) closeSync(fd);
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

/** `out` may be new, an empty folder, or (with overwrite) an earlier prepared dataset. */
function checkOut(out: string, overwrite: boolean): void {
  if (!existsSync(out)) return;
  let entries: string[];
  try {
    entries = readdirSync(out);
  } catch {
    throw new FlowsegInputError(`--out ${out} exists and is not a folder; choose another path`);
  }
  if (entries.length === 0) return;
  if (overwrite && entries.includes(INDEX_FILE)) return;
  throw new FlowsegInputError(
    `--out ${out} already exists and is not empty; choose a new folder` +
      (entries.includes(INDEX_FILE) ? ' or pass --overwrite to replace the prepared dataset there' : ''),
  );
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
