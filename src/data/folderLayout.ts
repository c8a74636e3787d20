import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { FlowsegInputError } from '../util/errors.js';
import { checkLimit } from '../util/limits.js';

/** File endings the folder format accepts for images and labels. */
export const FOLDER_ENDINGS = ['.png', '.nii.gz', '.nii'] as const;

const channelMap = z.record(z.string().regex(/^\d+$/, 'channel keys are "0", "1", …'), z.string());

/**
 * nnU-Net's `labels`: v2 maps name → value (or a list of values: a region), v1 maps value → name.
 * flowseg reads one structure, so only the background and one foreground label are accepted.
 */
const labelsMap = z.record(z.string(), z.union([z.number(), z.string(), z.array(z.number())]));

/**
 * `dataset.json`, nnU-Net style; unknown keys (numTraining, training, …) are allowed and ignored.
 * A plain nnU-Net dataset has no `raters` key: then each case has one label `labelsTr/<case>`.
 */
export const datasetJsonSchema = z
  .object({
    /** Optional as in nnU-Net v2 (v1 and the MSD always had one). */
    name: z.string().min(1).optional(),
    /** nnU-Net v2 name for the channel map; `modality` is the v1 (MSD) name, `modalities` an alias. One is required. */
    channel_names: channelMap.optional(),
    modality: channelMap.optional(),
    modalities: channelMap.optional(),
    labels: labelsMap.optional(),
    /**
     * flowseg's key: R raters, every case has `labelsTr/<case>_rater0 … _rater{R-1}`. Absent: nnU-Net's
     * one label per case, `labelsTr/<case>`, read as one rater.
     */
    raters: z.number().int().positive().optional(),
    file_ending: z.enum(FOLDER_ENDINGS).optional(),
    /** Optional case → patient map so several cases of one patient stay in one split. */
    patients: z.record(z.string(), z.string()).optional(),
  })
  .passthrough();

export type DatasetJson = z.infer<typeof datasetJsonSchema>;

/** One case: its channel files in channel order and rater files in rater order. */
export interface FolderCase {
  name: string;
  /** One file per channel, or one RGB PNG (`rgb`) standing for channels 0–2. */
  channelFiles: string[];
  /** nnU-Net's one exception to a file per channel: a natural RGB image as `<case>_0000.png`. */
  rgb?: boolean;
  raterFiles: string[];
}

export interface FolderLayout {
  spec: DatasetJson;
  channelNames: string[];
  /** Raters per case: `spec.raters`, or 1 for a plain nnU-Net dataset. */
  raters: number;
  cases: FolderCase[];
}

/** Reads and validates `dataset.json`; errors name the offending key. */
export async function readDatasetJson(root: string): Promise<{ spec: DatasetJson; channelNames: string[] }> {
  const file = join(root, 'dataset.json');
  if (!existsSync(file)) {
    throw new FlowsegInputError(`${file} is missing; the folder format needs dataset.json naming channels and raters (see docs/data-formats.md#folder)`);
  }
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new FlowsegInputError(`${file}: invalid JSON (${(e as Error).message}); fix the syntax`);
  }
  const parsed = datasetJsonSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
    throw new FlowsegInputError(`${file}: key "${key}": ${issue.message}; see docs/data-formats.md#folder`);
  }
  const spec = parsed.data;
  const key = spec.channel_names ? 'channel_names' : spec.modality ? 'modality' : 'modalities';
  const map = spec.channel_names ?? spec.modality ?? spec.modalities;
  if (map === undefined) {
    throw new FlowsegInputError(`${file}: key "channel_names" (or v1 "modality") is missing; name each channel, e.g. {"0": "CT"}`);
  }
  const keys = Object.keys(map)
    .map(Number)
    .sort((a, b) => a - b);
  if (keys.length === 0 || keys.some((k, i) => k !== i)) {
    throw new FlowsegInputError(`${file}: key "${key}" must number channels 0, 1, … without gaps (got ${keys.join(', ')})`);
  }
  checkLabels(file, spec);
  return { spec, channelNames: keys.map((k) => map[String(k)]) };
}

/** Refuses multi-class and region label maps up front, before any file is decoded. */
function checkLabels(file: string, spec: DatasetJson): void {
  if (!spec.labels) return;
  const entries = Object.entries(spec.labels);
  // v2: {"background": 0, "tumour": 1}; v1: {"0": "background", "1": "tumour"}
  const v1 = entries.every(([, v]) => typeof v === 'string');
  const region = entries.find(([, v]) => Array.isArray(v));
  if (region) {
    throw new FlowsegInputError(
      `${file}: key "labels.${region[0]}" is a region (a list of label values); flowseg segments one structure per rater — convert the labels to 0/1`,
    );
  }
  const foreground = entries.filter(([k, v]) => (v1 ? Number(k) !== 0 : v !== 0)).map(([k, v]) => (v1 ? v : k));
  if (foreground.length > 1) {
    throw new FlowsegInputError(
      `${file}: key "labels" names ${foreground.length} foreground classes (${foreground.join(', ')}); flowseg segments one structure per rater — save one 0/1 label per structure as its own dataset`,
    );
  }
}

function splitEnding(file: string): [string, string] | undefined {
  const ending = FOLDER_ENDINGS.find((e) => file.endsWith(e));
  return ending ? [file.slice(0, -ending.length), ending] : undefined;
}

/**
 * Finds cases in `imagesTr/` (`<case>_<CCCC><ending>`) and their raters in `labelsTr/`
 * (`<case>_rater<r><ending>`, or nnU-Net's `<case><ending>` when dataset.json has no `raters`),
 * checking that every case has every channel and exactly R rater files.
 */
export async function scanFolder(root: string): Promise<FolderLayout> {
  const { spec, channelNames } = await readDatasetJson(root);
  const C = channelNames.length;
  const plain = spec.raters === undefined;
  const R = spec.raters ?? 1;
  // Before any per-rater or per-channel list is built from these numbers.
  checkLimit('maxRaters', R, `${join(root, 'dataset.json')}: "raters" is ${R}`, 'set it to the number of rater files per case');
  checkLimit('maxChannels', C, `${join(root, 'dataset.json')}: ${C} channels are named`, 'name one channel per image file');
  const labelName = (name: string, r: number): string => (plain ? name : `${name}_rater${r}`);
  const accept = (f: string): [string, string] | undefined => {
    const s = splitEnding(f);
    return s && (spec.file_ending === undefined || s[1] === spec.file_ending) ? s : undefined;
  };
  const images = await listDir(join(root, 'imagesTr'), 'imagesTr/ holding <case>_0000.png|.nii.gz');
  const labels = await listDir(join(root, 'labelsTr'), plain ? 'labelsTr/ holding <case>.png|.nii.gz' : 'labelsTr/ holding <case>_rater0.png|.nii.gz');

  const channelsOf = new Map<string, Map<number, string>>();
  for (const f of images) {
    const s = accept(f);
    const m = s && /^(.+)_(\d{4})$/.exec(s[0]);
    if (!m) continue;
    const perCase = channelsOf.get(m[1]) ?? new Map<number, string>();
    perCase.set(Number(m[2]), join(root, 'imagesTr', f));
    channelsOf.set(m[1], perCase);
  }
  const ratersOf = new Map<string, Map<number, string>>();
  for (const f of labels) {
    const s = accept(f);
    const m = s && (plain ? [s[0], s[0], '0'] : /^(.+)_rater(\d+)$/.exec(s[0]));
    if (!m) continue;
    const perCase = ratersOf.get(m[1]) ?? new Map<number, string>();
    perCase.set(Number(m[2]), join(root, 'labelsTr', f));
    ratersOf.set(m[1], perCase);
  }
  if (channelsOf.size === 0) {
    const ending = spec.file_ending ?? '.png|.nii|.nii.gz';
    throw new FlowsegInputError(`${join(root, 'imagesTr')}: no <case>_0000${ending} files; the dataset is empty`);
  }
  for (const name of ratersOf.keys()) {
    if (!channelsOf.has(name)) {
      const hint =
        plain && /_rater\d+$/.test(name)
          ? '; dataset.json has no "raters" key, so labels are read as nnU-Net\'s one <case> file per case — add "raters": R for <case>_rater<r> files'
          : `; add ${name}_0000 or remove the labels`;
      throw new FlowsegInputError(`${join(root, 'labelsTr', labelName(name, 0))}…: labels for case "${name}" without images in imagesTr/${hint}`);
    }
  }
  const cases: FolderCase[] = [];
  for (const name of [...channelsOf.keys()].sort()) {
    const ch = channelsOf.get(name) as Map<number, string>;
    // nnU-Net natural images: three channels named, one RGB PNG (checked to be colour when decoded)
    const rgb = C === 3 && ch.size === 1 && (ch.get(0) ?? '').endsWith('.png');
    const channelFiles = (rgb ? [0] : range(C)).map((c) => {
      const f = ch.get(c);
      if (f === undefined) {
        throw new FlowsegInputError(
          `${join(root, 'imagesTr', `${name}_${String(c).padStart(4, '0')}`)}.*: missing channel ${c} (${channelNames[c]}) of case "${name}"; dataset.json names ${C} channel(s)`,
        );
      }
      return f;
    });
    const extraChannel = [...ch.keys()].find((c) => c >= C);
    if (extraChannel !== undefined) {
      throw new FlowsegInputError(
        `${ch.get(extraChannel)}: channel ${extraChannel} but dataset.json names only ${C} channel(s); add it to "channel_names" or remove the file`,
      );
    }
    const rt = ratersOf.get(name) ?? new Map<number, string>();
    const raterFiles = range(R).map((r) => {
      const f = rt.get(r);
      if (f === undefined) {
        const what = plain
          ? `missing label of case "${name}" (nnU-Net layout: one label per case)`
          : `missing rater ${r} of case "${name}" (dataset.json says raters: ${R})`;
        throw new FlowsegInputError(`${join(root, 'labelsTr', labelName(name, r))}.*: ${what}; add the file (an empty mask if nothing was drawn)`);
      }
      return f;
    });
    if (rt.size > R) {
      throw new FlowsegInputError(
        `${join(root, 'labelsTr')}: case "${name}" has ${rt.size} rater files but dataset.json says raters: ${R}; unequal rater counts — fix "raters" or remove the extra files`,
      );
    }
    cases.push({ name, channelFiles, raterFiles, ...(rgb ? { rgb } : {}) });
  }
  return { spec, channelNames, raters: R, cases };
}

async function listDir(dir: string, what: string): Promise<string[]> {
  if (!existsSync(dir)) throw new FlowsegInputError(`${dir} is missing; the folder format needs ${what}`);
  return (await readdir(dir)).sort();
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
