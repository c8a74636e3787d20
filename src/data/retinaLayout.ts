import { existsSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { FlowsegInputError } from '../util/errors.js';

export type RetinaSource = 'DRIVE' | 'STARE' | 'CHASE_DB1';

/** One fundus image with its two observers and, for DRIVE, its field-of-view mask file. */
export interface RetinaCase {
  source: RetinaSource;
  /** Image name within its source, e.g. `01_test`, `im0001`, `Image_01L`. */
  name: string;
  /** Same person → same id: DRIVE/STARE image number, CHASE_DB1 child (both eyes). */
  patientId: string;
  imageFile: string;
  raterFiles: [string, string];
  /** Absent for STARE and CHASE_DB1, which ship no FOV masks: the reader estimates one. */
  fovFile?: string;
}

const isDir = (p: string): boolean => existsSync(p) && statSync(p).isDirectory();

/** Which layout a folder has, judged by the folder names each dataset ships with. */
export function detectRetina(dir: string, files: readonly string[]): RetinaSource | undefined {
  if (isDir(join(dir, 'images')) && isDir(join(dir, '1st_manual'))) return 'DRIVE';
  if (isDir(join(dir, 'stare-images')) && isDir(join(dir, 'labels-ah'))) return 'STARE';
  if (files.some((f) => /^Image_\d+[LR]\.jpg$/i.test(f))) return 'CHASE_DB1';
  return undefined;
}

/**
 * Cases under `input`: a DRIVE, STARE or CHASE_DB1 folder, or a folder whose subfolders are
 * such folders (the three combined, as seed 001 did). Only images with both observers count.
 */
export async function scanRetina(input: string): Promise<RetinaCase[]> {
  if (!isDir(input)) throw new FlowsegInputError(`${input} is not a folder; pass a DRIVE, STARE or CHASE_DB1 folder`);
  const own = await readdir(input);
  const source = detectRetina(input, own);
  if (source !== undefined) return scanSource(source, input, own);
  const cases: RetinaCase[] = [];
  for (const sub of own.sort()) {
    const dir = join(input, sub);
    if (!isDir(dir)) continue;
    const files = await readdir(dir);
    const s = detectRetina(dir, files);
    if (s !== undefined) cases.push(...(await scanSource(s, dir, files)));
  }
  if (cases.length === 0) {
    throw new FlowsegInputError(
      `${input}: no retina layout found (DRIVE images/+1st_manual/, STARE stare-images/+labels-ah/, CHASE_DB1 Image_01L.jpg…); see docs/data-formats.md#retina`,
    );
  }
  return cases;
}

async function scanSource(source: RetinaSource, dir: string, files: string[]): Promise<RetinaCase[]> {
  const cases = source === 'DRIVE' ? await scanDrive(dir) : source === 'STARE' ? await scanStare(dir) : scanChase(dir, files);
  if (cases.length === 0) {
    throw new FlowsegInputError(`${dir}: ${source} layout but no image with two observers; the dataset is empty`);
  }
  return cases;
}

/** `images/NN_test.tif`, `1st_manual/NN_manual1.gif`, `2nd_manual/NN_manual2.gif`, `mask/NN_test_mask.gif`. */
async function scanDrive(dir: string): Promise<RetinaCase[]> {
  const second = join(dir, '2nd_manual');
  if (!isDir(second)) {
    throw new FlowsegInputError(`${second} is missing; DRIVE has a second observer only for the test set — pass the test folder`);
  }
  const cases: RetinaCase[] = [];
  for (const f of (await readdir(join(dir, 'images'))).sort()) {
    const m = /^(\d+)_(test|training)\.tiff?$/i.exec(f);
    if (!m) continue;
    const [, num, split] = m;
    const raterFiles: [string, string] = [join(dir, '1st_manual', `${num}_manual1.gif`), join(dir, '2nd_manual', `${num}_manual2.gif`)];
    for (const r of raterFiles) requireFile(r, join(dir, 'images', f));
    const fovFile = join(dir, 'mask', `${num}_${split}_mask.gif`);
    requireFile(fovFile, join(dir, 'images', f));
    cases.push({ source: 'DRIVE', name: `${num}_${split}`, patientId: `DRIVE/${num}`, imageFile: join(dir, 'images', f), raterFiles, fovFile });
  }
  return cases;
}

/** `stare-images/imNNNN.ppm[.gz]`, `labels-ah/imNNNN.ah.ppm[.gz]`, `labels-vk/imNNNN.vk.ppm[.gz]`. */
async function scanStare(dir: string): Promise<RetinaCase[]> {
  const labels = async (sub: string, tag: string): Promise<Map<string, string>> => {
    const out = new Map<string, string>();
    if (!isDir(join(dir, sub))) return out;
    for (const f of await readdir(join(dir, sub))) {
      const m = new RegExp(`^(im\\d+)\\.${tag}\\.ppm(\\.gz)?$`, 'i').exec(f);
      if (m) out.set(m[1], join(dir, sub, f));
    }
    return out;
  };
  const ah = await labels('labels-ah', 'ah');
  const vk = await labels('labels-vk', 'vk');
  const cases: RetinaCase[] = [];
  for (const f of (await readdir(join(dir, 'stare-images'))).sort()) {
    const m = /^(im\d+)\.ppm(\.gz)?$/i.exec(f);
    if (!m) continue;
    const name = m[1];
    const a = ah.get(name);
    const v = vk.get(name);
    if (a === undefined && v === undefined) continue; // most STARE images are unlabelled
    const imageFile = join(dir, 'stare-images', f);
    if (a === undefined || v === undefined) {
      const missing = a === undefined ? `labels-ah/${name}.ah.ppm` : `labels-vk/${name}.vk.ppm`;
      throw new FlowsegInputError(`${join(dir, missing)} is missing for ${imageFile}; both observers are needed (unequal rater counts)`);
    }
    cases.push({ source: 'STARE', name, patientId: `STARE/${name}`, imageFile, raterFiles: [a, v] });
  }
  return cases;
}

/** `Image_NN[LR].jpg` with `_1stHO.png` and `_2ndHO.png` beside it; NN is the child. */
function scanChase(dir: string, files: string[]): RetinaCase[] {
  const present = new Set(files);
  const cases: RetinaCase[] = [];
  for (const f of [...files].sort()) {
    const m = /^(Image_(\d+)[LR])\.jpg$/i.exec(f);
    if (!m) continue;
    const raterFiles: [string, string] = [join(dir, `${m[1]}_1stHO.png`), join(dir, `${m[1]}_2ndHO.png`)];
    for (const r of raterFiles) {
      if (!present.has(basename(r))) {
        throw new FlowsegInputError(`${r} is missing for ${join(dir, f)}; CHASE_DB1 needs both observers (_1stHO, _2ndHO)`);
      }
    }
    cases.push({ source: 'CHASE_DB1', name: m[1], patientId: `CHASE_DB1/${m[2]}`, imageFile: join(dir, f), raterFiles });
  }
  return cases;
}

function requireFile(file: string, forImage: string): void {
  if (!existsSync(file)) {
    throw new FlowsegInputError(`${file} is missing for ${forImage}; every image needs both observers and its FOV mask`);
  }
}
