// What the user drops or picks → one Scan: a DICOM series (files or a folder), a NIfTI volume,
// or a PNG/JPEG picture. Reading is the scan core's (src/scan, dcmjs and nifti-reader-js);
// folders are walked here (webkitdirectory inputs and DataTransfer items).
import { isDicomBytes, readDicomSeries, readNiftiVolume, type NamedBytes, type ScanVolume } from '../../src/scan/index.js';
import { toPlanes } from '../../src/data/image/raster.js';
import { decodeImage, type DecodedImage } from './image.js';

export interface Scan {
  volume: ScanVolume;
  /** What to call it on the page. */
  name: string;
  kind: 'dicom' | 'nifti' | 'picture';
  /** PNG/JPEG only: the decoded picture (the model input when it has the model's size). */
  picture?: DecodedImage;
}

const PICTURE = /\.(png|jpe?g)$/i;
const NIFTI = /\.nii(\.gz)?$/i;

/** A list of files (a drop, an <input multiple>, a folder) → one Scan; one line when it is not one. */
export async function openFiles(files: readonly File[]): Promise<Scan> {
  const useful = files.filter((f) => !f.name.startsWith('.') && !/^(DICOMDIR|.*\.(txt|xml|json|md))$/i.test(f.name));
  if (useful.length === 0) throw new Error('no files: drop a DICOM series (files or folder), a .nii/.nii.gz or a PNG/JPEG');
  const first = useful[0] as File;
  if (useful.length === 1 && PICTURE.test(first.name)) return openPicture(first, first.name);
  if (useful.length === 1 && NIFTI.test(first.name)) {
    const volume = readNiftiVolume({ name: first.name, bytes: await bytesOf(first) });
    return { volume, name: first.name, kind: 'nifti' };
  }
  const named: NamedBytes[] = await Promise.all(useful.map(async (f) => ({ name: pathOf(f), bytes: await bytesOf(f) })));
  const dicom = named.filter((f) => isDicomBytes(f.bytes));
  if (dicom.length === 0) {
    throw new Error(
      `${first.name}${useful.length > 1 ? ` and ${useful.length - 1} more` : ''}: not DICOM, NIfTI or PNG/JPEG (drop one series, one volume or one picture)`,
    );
  }
  const volume = readDicomSeries(dicom);
  const folder = pathOf(first).includes('/') ? pathOf(first).split('/').slice(0, -1).join('/') : `${dicom.length} files`;
  return { volume, name: `${folder} — ${volume.description.replace(/ \d+×\d+×\d+$/, '')}`, kind: 'dicom' };
}

/** A PNG/JPEG as a one-slice volume of its luminance (0…255), laid out as an axial DICOM slice (LPS, 1 mm). */
export async function openPicture(blob: Blob, name: string): Promise<Scan> {
  const picture = await decodeImage(blob, name);
  const { width: nx, height: ny } = picture.raster;
  const luminance = toPlanes(picture.raster, 'luminance'); // [H, W] in [0, 1]
  const voxels = luminance.map((v) => Math.round(v * 255));
  const volume: ScanVolume = {
    voxels,
    nx,
    ny,
    nz: 1,
    spacing: [1, 1, 1],
    affine: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1],
    frame: 'LPS',
    modality: '',
    units: 'stored',
    description: `${name} ${nx}×${ny}`,
    sources: [name],
  };
  return { volume, name, kind: 'picture', picture };
}

/** Files of dropped items, walking folders (FileSystemEntry API; every current browser has it). */
export async function filesOfDrop(dt: DataTransfer): Promise<File[]> {
  const entries = Array.from(dt.items)
    .map((i) => i.webkitGetAsEntry())
    .filter((e): e is FileSystemEntry => e !== null);
  if (entries.length === 0) return Array.from(dt.files);
  const out: File[] = [];
  const walk = async (e: FileSystemEntry, path: string): Promise<void> => {
    if (e.isFile) {
      const f = await new Promise<File>((ok, fail) => (e as FileSystemFileEntry).file(ok, fail));
      out.push(withPath(f, `${path}${f.name}`));
    } else if (e.isDirectory) {
      const reader = (e as FileSystemDirectoryEntry).createReader();
      // readEntries returns batches (100 in Chromium) until an empty one.
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((ok, fail) => reader.readEntries(ok, fail));
        if (batch.length === 0) break;
        for (const c of batch) await walk(c, `${path}${e.name}/`);
      }
    }
  };
  for (const e of entries) await walk(e, '');
  return out;
}

const paths = new WeakMap<File, string>();
function withPath(f: File, p: string): File {
  paths.set(f, p);
  return f;
}
/** The file's path inside a dropped or picked folder, else its name. */
const pathOf = (f: File): string => paths.get(f) ?? (f.webkitRelativePath || f.name);

async function bytesOf(f: Blob): Promise<Uint8Array> {
  return new Uint8Array(await f.arrayBuffer());
}
