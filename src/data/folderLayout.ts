import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { FlowsegInputError } from '../util/errors.js';

/** File endings the folder format accepts for images and labels. */
export const FOLDER_ENDINGS = ['.png', '.nii.gz', '.nii'] as const;

const channelMap = z.record(z.string().regex(/^\d+$/, 'channel keys are "0", "1", …'), z.string());

/** `dataset.json`, nnU-Net style; unknown keys (labels, numTraining, …) are allowed and ignored. */
export const datasetJsonSchema = z
  .object({
    name: z.string().min(1),
    /** nnU-Net v2 name for the channel map; `modalities` is the v1 name. One is required. */
    channel_names: channelMap.optional(),
    modalities: channelMap.optional(),
    /** Number of raters R: every case has `labelsTr/<case>_rater0 … _rater{R-1}`. */
    raters: z.number().int().positive(),
    file_ending: z.enum(FOLDER_ENDINGS).optional(),
    /** Optional case → patient map so several cases of one patient stay in one split. */
    patients: z.record(z.string(), z.string()).optional(),
  })
  .passthrough();

export type DatasetJson = z.infer<typeof datasetJsonSchema>;

/** One case: its channel files in channel order and rater files in rater order. */
export interface FolderCase {
  name: string;
  channelFiles: string[];
  raterFiles: string[];
}

export interface FolderLayout {
  spec: DatasetJson;
  channelNames: string[];
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
  const map = spec.channel_names ?? spec.modalities;
  if (map === undefined) {
    throw new FlowsegInputError(`${file}: key "channel_names" (or "modalities") is missing; name each channel, e.g. {"0": "CT"}`);
  }
  const keys = Object.keys(map).map(Number).sort((a, b) => a - b);
  if (keys.length === 0 || keys.some((k, i) => k !== i)) {
    const key = spec.channel_names ? 'channel_names' : 'modalities';
    throw new FlowsegInputError(`${file}: key "${key}" must number channels 0, 1, … without gaps (got ${keys.join(', ')})`);
  }
  return { spec, channelNames: keys.map((k) => map[String(k)]) };
}

function splitEnding(file: string): [string, string] | undefined {
  const ending = FOLDER_ENDINGS.find((e) => file.endsWith(e));
  return ending ? [file.slice(0, -ending.length), ending] : undefined;
}

/**
 * Finds cases in `imagesTr/` (`<case>_<CCCC><ending>`) and their raters in `labelsTr/`
 * (`<case>_rater<r><ending>`), checking that every case has every channel and exactly
 * `raters` rater files.
 */
export async function scanFolder(root: string): Promise<FolderLayout> {
  const { spec, channelNames } = await readDatasetJson(root);
  const C = channelNames.length;
  const R = spec.raters;
  const accept = (f: string): [string, string] | undefined => {
    const s = splitEnding(f);
    return s && (spec.file_ending === undefined || s[1] === spec.file_ending) ? s : undefined;
  };
  const images = await listDir(join(root, 'imagesTr'), 'imagesTr/ holding <case>_0000.png|.nii.gz');
  const labels = await listDir(join(root, 'labelsTr'), 'labelsTr/ holding <case>_rater0.png|.nii.gz');

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
    const m = s && /^(.+)_rater(\d+)$/.exec(s[0]);
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
      throw new FlowsegInputError(`${join(root, 'labelsTr', `${name}_rater0`)}…: labels for case "${name}" without images in imagesTr/; add ${name}_0000 or remove the labels`);
    }
  }
  const cases: FolderCase[] = [];
  for (const name of [...channelsOf.keys()].sort()) {
    const ch = channelsOf.get(name) as Map<number, string>;
    const channelFiles = range(C).map((c) => {
      const f = ch.get(c);
      if (f === undefined) {
        throw new FlowsegInputError(`${join(root, 'imagesTr', `${name}_${String(c).padStart(4, '0')}`)}.*: missing channel ${c} (${channelNames[c]}) of case "${name}"; dataset.json names ${C} channel(s)`);
      }
      return f;
    });
    const extraChannel = [...ch.keys()].find((c) => c >= C);
    if (extraChannel !== undefined) {
      throw new FlowsegInputError(`${ch.get(extraChannel)}: channel ${extraChannel} but dataset.json names only ${C} channel(s); add it to "channel_names" or remove the file`);
    }
    const rt = ratersOf.get(name) ?? new Map<number, string>();
    const raterFiles = range(R).map((r) => {
      const f = rt.get(r);
      if (f === undefined) {
        throw new FlowsegInputError(`${join(root, 'labelsTr', `${name}_rater${r}`)}.*: missing rater ${r} of case "${name}" (dataset.json says raters: ${R}); add the file (an empty mask if that rater drew nothing)`);
      }
      return f;
    });
    if (rt.size > R) {
      throw new FlowsegInputError(`${join(root, 'labelsTr')}: case "${name}" has ${rt.size} rater files but dataset.json says raters: ${R}; unequal rater counts — fix "raters" or remove the extra files`);
    }
    cases.push({ name, channelFiles, raterFiles });
  }
  return { spec, channelNames, cases };
}

async function listDir(dir: string, what: string): Promise<string[]> {
  if (!existsSync(dir)) throw new FlowsegInputError(`${dir} is missing; the folder format needs ${what}`);
  return (await readdir(dir)).sort();
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
