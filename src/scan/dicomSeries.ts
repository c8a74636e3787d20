import { FlowsegInputError } from '../util/errors.js';
import { checkLimit } from '../util/limits.js';
import { affineFromColumns, cross, dot, type Vec3 } from './affine.js';
import { type DicomImage, type NamedBytes, parseDicomFile } from './dicomFile.js';
import type { ScanVolume } from './volume.js';

/**
 * DICOM files of ONE series (in any order) → a ScanVolume in LPS. Slices are ordered by
 * ImagePositionPatient projected on the slice normal (row × column direction), k = 0 the
 * lowest; the third affine column is the step between the first and the last slice over
 * nz − 1. Files of another series, size, orientation or spacing are refused by name.
 */
export function readDicomSeries(files: readonly NamedBytes[]): ScanVolume {
  if (files.length === 0) throw new FlowsegInputError('no DICOM files given; point --image at a .dcm file or a folder of one series');
  const images = files.map(parseDicomFile);
  const first = images[0];
  for (const im of images.slice(1)) {
    const differ = (what: string, a: unknown, b: unknown): never => {
      throw new FlowsegInputError(
        `${im.file} and ${first.file} are not one series: ${what} ${String(b)} vs ${String(a)}; put one series per folder (or give one file)`,
      );
    };
    if (im.seriesUid !== first.seriesUid) differ('SeriesInstanceUID', first.seriesUid || '(none)', im.seriesUid || '(none)');
    if (im.rows !== first.rows || im.columns !== first.columns) differ('size', `${first.columns}×${first.rows}`, `${im.columns}×${im.rows}`);
    if (!near(im.orientation, first.orientation)) differ('ImageOrientationPatient', first.orientation?.join('\\'), im.orientation?.join('\\'));
    if (!near(im.pixelSpacing, first.pixelSpacing)) differ('PixelSpacing', first.pixelSpacing.join('\\'), im.pixelSpacing.join('\\'));
  }
  const nx = first.columns;
  const ny = first.rows;
  const nz = images.length;
  checkLimit('maxVoxels', nx * ny * nz, `the series of ${first.file} is ${nx}×${ny}×${nz} voxels`, 'give fewer slices (one series per folder)');

  const orientation = first.orientation ?? (nz === 1 ? [1, 0, 0, 0, 1, 0] : missing(first, 'ImageOrientationPatient'));
  const rowDir: Vec3 = [orientation[0], orientation[1], orientation[2]];
  const colDir: Vec3 = [orientation[3], orientation[4], orientation[5]];
  const normal = cross(rowDir, colDir);
  if (Math.abs(Math.hypot(...normal) - 1) > 1e-2) {
    throw new FlowsegInputError(`${first.file}: ImageOrientationPatient ${orientation.join('\\')} is not two orthogonal unit vectors; the header is corrupt`);
  }
  const position = (im: DicomImage): Vec3 => im.position ?? (nz === 1 ? [0, 0, 0] : missing(im, 'ImagePositionPatient'));
  const ordered = images.map((im) => ({ im, at: dot(position(im), normal) })).sort((a, b) => a.at - b.at);
  for (let k = 1; k < nz; k++) {
    if (Math.abs(ordered[k].at - ordered[k - 1].at) < 1e-3) {
      throw new FlowsegInputError(
        `${ordered[k].im.file} and ${ordered[k - 1].im.file} lie at the same position along the slice normal; the folder mixes two series or holds duplicates — keep one`,
      );
    }
  }
  const [rowSpacing, colSpacing] = first.pixelSpacing;
  const origin = position(ordered[0].im);
  const step: Vec3 =
    nz > 1
      ? (position(ordered[nz - 1].im).map((p, a) => (p - origin[a]) / (nz - 1)) as unknown as Vec3)
      : (normal.map((c) => c * (first.sliceGap ?? 1)) as unknown as Vec3);
  const affine = affineFromColumns(rowDir.map((c) => c * colSpacing) as unknown as Vec3, colDir.map((c) => c * rowSpacing) as unknown as Vec3, step, origin);
  const voxels = new Float32Array(nx * ny * nz); // [nz, ny, nx], sized from the headers (checked above)
  for (const [k, { im }] of ordered.entries()) im.decode(voxels, k * nx * ny);
  const hu = first.modality === 'CT' && images.every((im) => im.rescaled);
  const what = first.description || first.modality || 'DICOM';
  return {
    voxels,
    nx,
    ny,
    nz,
    spacing: [colSpacing, rowSpacing, Math.hypot(...step)],
    affine,
    frame: 'LPS',
    modality: first.modality,
    units: hu ? 'HU' : 'stored',
    description: `${what} ${nx}×${ny}×${nz}`,
    sources: ordered.map(({ im }) => im.file),
  };
}

function near(a: readonly number[] | undefined, b: readonly number[] | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.length === b.length && a.every((x, i) => Math.abs(x - b[i]) <= 1e-4 * Math.max(1, Math.abs(x)));
}

function missing(im: DicomImage, tag: string): never {
  throw new FlowsegInputError(`${im.file}: no ${tag}, so the slices of the series cannot be ordered; give this file alone or fix the export`);
}
