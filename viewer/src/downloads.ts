// Downloads of one click's results, built in the page: the labels and maps on the clicked
// slice's grid as NIfTI (the scan's affine) or as PNG/.npy — the files `flowseg sample` names.
import { zipSync } from 'fflate';
import { scanSamplesToNifti, type ScanSamples } from '../../src/web/index.js';
import { encodeLabelPng } from '../../src/infer/labelPng.js';
import { encodeFloatNpy } from '../../src/infer/mapNpy.js';

const sampleName = (k: number, ext: string): string => `sample-${String(k).padStart(2, '0')}.${ext}`;
const stem = (r: ScanSamples): string => `flowseg-x${r.crop.x}-y${r.crop.y}-k${r.crop.k}-seed${r.samples.seed}`;

/** sample-XX.nii.gz (0/1) and mean/std/entropy.nii.gz on the slice grid, with samples.json. */
export function downloadNifti(r: ScanSamples, summary: Uint8Array): void {
  const files: Record<string, Uint8Array | [Uint8Array, { level: 0 }]> = {};
  for (const [name, bytes] of Object.entries(scanSamplesToNifti(r))) files[name] = [bytes, { level: 0 }]; // already gzip
  files['samples.json'] = summary;
  save(new Blob([zipSync(files)], { type: 'application/zip' }), `${stem(r)}-nifti.zip`);
}

/** sample-XX.png (0/1 labels, as `flowseg sample` writes them) and mean/std/entropy.npy on the slice grid. */
export function downloadPng(r: ScanSamples, summary: Uint8Array): void {
  const files: Record<string, Uint8Array> = {};
  for (const [k, m] of r.masks.entries()) files[sampleName(k, 'png')] = encodeLabelPng(m, r.ny, r.nx);
  for (const [name, map] of [
    ['mean', r.mean],
    ['std', r.std],
    ['entropy', r.entropy],
  ] as const)
    files[`${name}.npy`] = encodeFloatNpy(map, r.ny, r.nx);
  files['samples.json'] = summary;
  save(new Blob([zipSync(files)], { type: 'application/zip' }), `${stem(r)}-png.zip`);
}

function save(blob: Blob, name: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}
