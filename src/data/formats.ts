/**
 * Format registry: `flowseg prepare --format <name>` looks readers up here.
 * Every reader has the same signature `(input, options) => ItemStream`; the readers import
 * their types from types.ts, never from here, so the registry imports them without a circle.
 */
import { FlowsegInputError } from '../util/errors.js';
import { readFolder } from './folder.js';
import { readKvasir } from './kvasir.js';
import { readLidcPickle } from './lidcPickle.js';
import { readLidcPng } from './lidcPngTree.js';
import { readNpz } from './npz.js';
import { readRetina } from './retina.js';
import { readSynthetic } from './synthetic.js';
import type { Reader } from './types.js';

export type { Reader, ReaderOptions } from './types.js';

export interface FormatInfo {
  read: Reader;
  /** One line for `flowseg prepare --help`. */
  description: string;
}

/** Format names as typed on the command line. */
export const FORMATS: Readonly<Record<string, FormatInfo>> = {
  'lidc-pickle': { read: readLidcPickle, description: 'Kohl/Knegt data_lidc.pickle (dict of slices; protocols 2–5)' },
  'lidc-png': { read: readLidcPng, description: 'LIDC PNG tree <patient>/nodule-<k>/{images,mask-<r>}/slice-<n>.png, folder or .tar' },
  folder: { read: readFolder, description: 'nnU-Net-style folder: imagesTr/, labelsTr/ (one file per rater), dataset.json; PNG or NIfTI' },
  kvasir: { read: readKvasir, description: 'Kvasir-SEG images/ + masks/ (JPEG), resized (--size, default 128)' },
  retina: { read: readRetina, description: 'DRIVE / STARE / CHASE_DB1 with 2 observers, cut into patches (--patch-size)' },
  npz: { read: readNpz, description: 'NumPy .npz / .npy: images [N,H,W] or [N,C,H,W], masks [N,R,H,W]' },
  synthetic: { read: readSynthetic, description: 'built-in synthetic ambiguous shapes (input is ignored; --items, --seed, --size)' },
};

export function formatNames(): string[] {
  return Object.keys(FORMATS);
}

export function readerFor(name: string): Reader {
  const info = FORMATS[name];
  if (!info) {
    throw new FlowsegInputError(`unknown format '${name}'; use one of: ${formatNames().join(', ')}`);
  }
  return info.read;
}
