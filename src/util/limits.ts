/**
 * Resource limits on untrusted inputs (issue 13): every reader checks these BEFORE it
 * allocates, so a 1 KB file that claims 60000×60000 pixels, a deflate bomb or a pickle memo
 * bomb ends in a one-line FlowsegInputError instead of gigabytes of RSS or a stack overflow.
 * Defaults leave real data far below them (LIDC 128² × 4 raters, Kvasir ≤ 1,920×1,080,
 * DRIVE 565×584, CT volumes up to 512×512×600); each can be raised with its environment
 * variable (`FLOWSEG_MAX_PIXELS=100000000 flowseg prepare …`) when a dataset truly needs it.
 */
import { FlowsegInputError } from './errors.js';

export interface LimitSpec {
  /** Environment variable that overrides the default. */
  env: string;
  default: number;
  /** What is counted, for messages ("pixels per image"). */
  what: string;
}

/** The named limits with their defaults (scripts/hostile/ holds a case for each). */
export const LIMITS = {
  /** Width × height of one decoded image or one item (any channel count). */
  maxPixels: { env: 'FLOWSEG_MAX_PIXELS', default: 25_000_000, what: 'pixels per image' },
  /** Voxels of one NIfTI volume (512×512×600 CT is 157 M). */
  maxVoxels: { env: 'FLOWSEG_MAX_VOXELS', default: 200_000_000, what: 'voxels per volume' },
  /** Bytes one compressed file or member may inflate to while held in memory. */
  maxDecompressedBytes: { env: 'FLOWSEG_MAX_DECOMPRESSED_BYTES', default: 2 * 1024 ** 3, what: 'decompressed bytes' },
  /** Items in one dataset (LIDC's full pickle has 15,096): ids and patient ids are kept in memory. */
  maxItems: { env: 'FLOWSEG_MAX_ITEMS', default: 5_000_000, what: 'items per dataset' },
  /** Image channels per item (RGB is 3, multi-modal MR 4). */
  maxChannels: { env: 'FLOWSEG_MAX_CHANNELS', default: 16, what: 'channels per image' },
  /** Rater masks per item (LIDC has 4). */
  maxRaters: { env: 'FLOWSEG_MAX_RATERS', default: 64, what: 'raters per item' },
  /** `sample -n` / `evaluate -n`: every sample is a full-size mask held in memory. */
  maxSamples: { env: 'FLOWSEG_MAX_SAMPLES', default: 1000, what: 'samples per image' },
  /** Nesting of lists/dicts/tuples inside one pickle entry (data_lidc.pickle needs 5). */
  maxPickleDepth: { env: 'FLOWSEG_MAX_PICKLE_DEPTH', default: 100, what: 'pickle nesting depth' },
  /** Objects created for one pickle entry (a data_lidc.pickle entry needs ~100). */
  maxPickleObjects: { env: 'FLOWSEG_MAX_PICKLE_OBJECTS', default: 1_000_000, what: 'pickle objects per entry' },
  /** Pickle bytes read since the last entry was handed out (all held in memory until then). */
  maxPickleEntryBytes: { env: 'FLOWSEG_MAX_PICKLE_ENTRY_BYTES', default: 512 * 1024 ** 2, what: 'pickle bytes per entry' },
  /** Memo slots of one pickle file (data_lidc.pickle: ~30 per entry; V8 Maps stop near 16.7 M). */
  maxPickleMemo: { env: 'FLOWSEG_MAX_PICKLE_MEMO', default: 10_000_000, what: 'pickle memo slots' },
  /** Memo back-references (BINGET) within one pickle entry: a memo bomb is made of them. */
  maxPickleMemoRefs: { env: 'FLOWSEG_MAX_PICKLE_MEMO_REFS', default: 100_000, what: 'pickle memo references per entry' },
} as const satisfies Record<string, LimitSpec>;

export type LimitName = keyof typeof LIMITS;

/** The limit in force: the environment override when set (a positive integer), else the default. */
export function limit(name: LimitName): number {
  const spec = LIMITS[name];
  // globalThis: src/scan/ reads headers in the browser too, where there is no `process` (defaults apply).
  const raw = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env[spec.env];
  if (raw === undefined || raw.trim() === '') return spec.default;
  const v = Number(raw.replace(/_/g, ''));
  if (!Number.isSafeInteger(v) || v <= 0) {
    throw new FlowsegInputError(`${spec.env}=${raw} is not a positive integer; unset it or set e.g. ${spec.env}=${spec.default}`);
  }
  return v;
}

/** The standard tail of a limit message: how to raise it. */
export function raiseHint(name: LimitName): string {
  const spec = LIMITS[name];
  return `the limit is ${limit(name).toLocaleString('en-US')} ${spec.what} (set ${spec.env} to raise it)`;
}

/**
 * Throws a FlowsegInputError when `value` exceeds the limit. `subject` names the file (and
 * key) and what it claims, e.g. `a.png: header says 60000×60000 pixels`.
 */
export function checkLimit(name: LimitName, value: number, subject: string, fix = 'the file is corrupt or not what it claims'): void {
  if (!(value <= limit(name))) {
    throw new FlowsegInputError(`${subject}, more than allowed: ${raiseHint(name)}; ${fix}`);
  }
}

/** Width × height check for one image; also refuses non-integer or negative sizes. */
export function checkPixels(width: number, height: number, file: string, fix?: string): void {
  if (!Number.isSafeInteger(width) || !Number.isSafeInteger(height) || width < 0 || height < 0) {
    throw new FlowsegInputError(`${file}: image size ${width}×${height} is not a pair of non-negative integers; the file is corrupt`);
  }
  checkLimit('maxPixels', width * height, `${file}: image is ${width}×${height} = ${(width * height).toLocaleString('en-US')} pixels`, fix);
}
