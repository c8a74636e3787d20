import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
// Modules, not their folders' index files: the index of metrics/ and eval/render/ load the
// Hungarian solver, line plots and scatter plots, which `sample` never uses (start-up time).
import { entropyMap } from '../metrics/maps.js';
import type { ImageSamples } from '../infer/types.js';
import { FOREGROUND_THRESHOLD } from '../infer/threshold.js';
import { applyColormap } from '../eval/render/colormap.js';
import { encodePng } from '../eval/render/png.js';
import { renderSampleGrid } from '../eval/render/sampleGrid.js';
import { writeDirAtomic } from '../util/outputDir.js';
import { encodeLabelPng } from '../infer/labelPng.js';

import { encodeFloatNpy } from '../infer/mapNpy.js';
import type { NiftiInput } from '../infer/modelInput.js';
import { encodeNiftiMap } from '../infer/niftiMap.js';
import { resizeBilinear } from '../data/image/resize.js';

export { encodeLabelPng } from '../infer/labelPng.js';
export { encodeFloatNpy } from '../infer/mapNpy.js';

/** `sample-00.png` … : samples are numbered from 0 in files, grid.png, samples.json and the viewer. */
export const sampleFileName = (k: number): string => `sample-${String(k).padStart(2, '0')}.png`;

/**
 * Writes one image's samples into a temp dir, then renames it to `out`:
 * sample-KK.png (0/1 labels), mean/std/entropy as .npy numbers and viridis .png pictures,
 * grid.png, samples.json.
 */
export function writeSamples(
  out: string,
  s: ImageSamples,
  meta: Record<string, unknown>,
  overwrite = false,
  nifti?: NiftiInput,
  /** More files written into the same folder in the same atomic step (scan inputs: the full-slice NIfTI maps). */
  extra: Record<string, Uint8Array> = {},
): void {
  const { height: h, width: w } = s;
  const entropy = entropyMap(s.probs);
  writeDirAtomic(
    out,
    'samples',
    (tmp) => {
      for (const [k, m] of s.masks.entries()) writeFileSync(join(tmp, sampleFileName(k)), encodeLabelPng(m, h, w));
      for (const [name, map] of [
        ['mean', s.mean],
        ['std', s.std],
        ['entropy', entropy],
      ] as const)
        writeFileSync(join(tmp, `${name}.npy`), encodeFloatNpy(map, h, w));
      // A NIfTI input also gets its maps as NIfTI at its own size, with its header (affine) kept.
      if (nifti && nifti.headerBytes.length === 348) {
        for (const [name, map] of [
          ['mean', s.mean],
          ['std', s.std],
          ['entropy', entropy],
        ] as const) {
          const full = resizeBilinear(map, 1, h, w, nifti.ny, nifti.nx); // [ny, nx]
          writeFileSync(join(tmp, `${name}.nii.gz`), encodeNiftiMap(nifti.headerBytes, nifti.littleEndian, full, nifti.nx, nifti.ny));
        }
      }
      for (const [name, bytes] of Object.entries(extra)) writeFileSync(join(tmp, name), bytes);
      writeFileSync(join(tmp, 'mean.png'), encodePng(applyColormap(s.mean, { min: 0, max: 1 }), h, w));
      writeFileSync(join(tmp, 'std.png'), encodePng(applyColormap(s.std, { min: 0, max: 0.5 }), h, w));
      writeFileSync(join(tmp, 'entropy.png'), encodePng(applyColormap(entropy, { min: 0, max: Math.LN2 }), h, w));
      writeFileSync(
        join(tmp, 'grid.png'),
        renderSampleGrid({ image: s.image, height: h, width: w, raters: [], samples: s.masks, mean: s.mean, std: s.std, title: String(meta.image ?? '') }),
      );
      const samples = s.masks.map((m, k) => ({ index: k, file: sampleFileName(k), foreground: m.reduce((a, b) => a + b, 0) }));
      const maps = { mean: 'mean.npy', std: 'std.npy', entropy: 'entropy.npy', dtype: 'float32', shape: [h, w], entropyUnit: 'nats, H(mean)' };
      const labels = { background: 0, foreground: 1, threshold: `p > ${FOREGROUND_THRESHOLD}` };
      writeFileSync(
        join(tmp, 'samples.json'),
        `${JSON.stringify({ ...meta, labels, maps, priorMu: s.priorMu, priorSigma: s.priorSigma, foreground: samples.map((x) => x.foreground), samples }, null, 1)}\n`,
      );
    },
    { overwrite },
  );
}
