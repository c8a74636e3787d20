/**
 * Node file IO for scans (the rest of src/scan/ is browser-safe): a DICOM file, a folder of one
 * DICOM series, or a NIfTI file → ScanVolume. Sizes are checked from the file system before
 * anything is read.
 */
import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { FlowsegInputError } from '../util/errors.js';
import { checkLimit } from '../util/limits.js';
import { isDicomBytes, type NamedBytes } from './dicomFile.js';
import { readDicomSeries } from './dicomSeries.js';
import { readNiftiVolume } from './niftiVolume.js';
import type { ScanVolume } from './volume.js';

export type ScanKind = 'dicom' | 'dicom-folder' | 'nifti' | 'image';

export const isNiftiPath = (path: string): boolean => /\.nii(\.gz)?$/i.test(path);

/** What a path holds, from its type, name and first bytes (the DICM magic at 128). */
export function scanKind(path: string): ScanKind {
  if (statSync(path).isDirectory()) return 'dicom-folder';
  if (isNiftiPath(path)) return 'nifti';
  if (/\.(dcm|dicom|ima)$/i.test(path)) return 'dicom';
  const head = new Uint8Array(132);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, head, 0, 132, 0);
  } finally {
    closeSync(fd);
  }
  return isDicomBytes(head) ? 'dicom' : 'image';
}

/** Reads a DICOM file, a DICOM series folder or a NIfTI file. */
export function readScanPath(path: string): ScanVolume {
  const kind = scanKind(path);
  if (kind === 'image') throw new FlowsegInputError(`${path}: not a DICOM or NIfTI file`);
  if (kind === 'nifti') return readNiftiVolume(readBounded(path));
  if (kind === 'dicom') return readDicomSeries([readBounded(path)]);
  return readDicomSeries(readSeriesFolder(path));
}

/**
 * The DICOM files of a folder (not recursive). Hidden files, DICOMDIR and files without the
 * DICM magic (READMEs, thumbnails) are skipped; a folder with no DICOM file is refused.
 */
export function readSeriesFolder(dir: string): NamedBytes[] {
  const names = readdirSync(dir)
    .filter((n) => !n.startsWith('.') && n.toUpperCase() !== 'DICOMDIR')
    .sort()
    .map((n) => join(dir, n))
    .filter((p) => statSync(p).isFile());
  const total = names.reduce((s, p) => s + statSync(p).size, 0);
  checkLimit('maxDecompressedBytes', total, `${dir}: its files hold ${total.toLocaleString('en-US')} bytes`, 'give one series per folder');
  const files = names.map((p) => ({ name: p, bytes: readFileSync(p) as Uint8Array })).filter((f) => isDicomBytes(f.bytes));
  if (files.length === 0) {
    throw new FlowsegInputError(`${dir}: no DICOM files (none of its ${names.length} files has the DICM magic); give the folder of one DICOM series`);
  }
  return files;
}

function readBounded(path: string): NamedBytes {
  const size = statSync(path).size;
  checkLimit('maxDecompressedBytes', size, `${path} is ${size.toLocaleString('en-US')} bytes`, 'crop the volume or split it');
  return { name: path, bytes: readFileSync(path) };
}
