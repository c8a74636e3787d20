/**
 * Reader for the LIDC PNG slice tree (Pulmoseg `LIDC-IDRI-slices/`):
 * ```
 * <root>/<patient>/nodule-<k>/images/slice-<n>.png     8-bit gray [H, W]
 * <root>/<patient>/nodule-<k>/mask-<r>/slice-<n>.png   r = 0..R-1, values {0, 255}
 * ```
 * from the loose folder or straight from a `.tar` of it (streamed, never extracted).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { FlowsegInputError } from '../util/errors.js';
import type { ReaderOptions } from './types.js';
import { type FileLoader, NODULE_RE, type NoduleFiles, SLICE_RE, type TreeExpectations, noduleItems } from './lidcNodule.js';
import { readLidcTar } from './lidcTar.js';
import type { ItemStream } from './types.js';

const collator = new Intl.Collator('en', { numeric: true });

export async function* readLidcPng(input: string, options: ReaderOptions = {}): ItemStream {
  if (!existsSync(input)) throw new FlowsegInputError(`${input} does not exist; pass the LIDC-IDRI-slices folder or a .tar of it`);
  const expect: TreeExpectations = options.size ? { size: { height: options.size, width: options.size } } : {};
  const nodules = statSync(input).isFile() ? readLidcTar(input) : folderNodules(input);
  let count = 0;
  for await (const g of nodules) {
    for (const item of noduleItems(g, expect)) {
      if (options.limit !== undefined && count >= options.limit) return;
      count++;
      yield item;
    }
  }
  if (count === 0) {
    throw new FlowsegInputError(`${input} holds no <patient>/nodule-<k>/images/slice-<n>.png files — is it the LIDC-IDRI-slices level?`);
  }
}

function subdirs(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
    .map((d) => d.name)
    .sort(collator.compare);
}

/** Accepts the patients' parent folder, or a folder holding just that (e.g. an extracted tar). */
function patientsRoot(input: string): string {
  const isPatient = (p: string): boolean => subdirs(p).some((d) => NODULE_RE.test(d));
  const dirs = subdirs(input);
  if (dirs.some((d) => isPatient(join(input, d)))) return input;
  if (dirs.length === 1 && subdirs(join(input, dirs[0])).some((d) => isPatient(join(input, dirs[0], d)))) {
    return join(input, dirs[0]);
  }
  return input;
}

/** Nodule folders in order: patients by name, nodules and slices numerically. */
function* folderNodules(input: string): Generator<NoduleFiles> {
  const root = patientsRoot(input);
  for (const patient of subdirs(root)) {
    const nodules = subdirs(join(root, patient))
      .map((d) => NODULE_RE.exec(d))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);
    for (const k of nodules) {
      const dir = join(root, patient, `nodule-${k}`);
      const folders = new Map<string, Map<number, FileLoader>>();
      for (const sub of subdirs(dir)) {
        const files = new Map<number, FileLoader>();
        for (const f of readdirSync(join(dir, sub))) {
          const m = SLICE_RE.exec(f);
          if (m) files.set(Number(m[1]), () => readFileSync(join(dir, sub, f)));
        }
        folders.set(sub, files);
      }
      yield { patient, nodule: k, label: join(root, patient, `nodule-${k}`), folders };
    }
  }
}
