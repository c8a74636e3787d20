// Click to segment on a scan: the scan core's crop around the voxel (native resolution, the
// training data's intensity mapping), n samples on the WebSampler, and every map pasted back on
// the clicked slice's grid with that slice's affine (RAS), ready for NIfTI.
import { clickCrop, encodeNifti, flipXY, pasteBack, sliceAffine, type Affine, type ClickCrop, type ScanVolume } from '../scan/index.js';
import { FlowsegInputError } from '../util/errors.js';
import type { SampleOptions, WebSampler, WebSamples } from './sampler.js';

/** A voxel of the volume: column x, row y, slice k (default the middle slice). */
export interface VoxelPoint {
  x: number;
  y: number;
  k?: number;
}

/** The crop's samples and the same maps on the whole slice `[ny, nx]` (0 outside the crop). */
export interface ScanSamples {
  /** The model input and where it came from (slice k, window, HU values). */
  crop: ClickCrop;
  /** The crop-sized results [size, size]. */
  samples: WebSamples;
  nx: number;
  ny: number;
  /** Voxel (i, j, 0) of the slice grid → world mm in RAS (NIfTI's frame). */
  sliceAffineRas: Affine;
  /** n binary masks [ny, nx] */
  masks: Uint8Array[];
  mean: Float32Array;
  std: Float32Array;
  entropy: Float32Array;
}

/** n samples around voxel (x, y) of slice k; the model must take one channel (CT). */
export async function sampleAt(sampler: WebSampler, volume: ScanVolume, at: VoxelPoint, options: SampleOptions = {}): Promise<ScanSamples> {
  const [c, h, w] = sampler.inputShape;
  if (c !== 1) throw new FlowsegInputError(`${sampler.name} takes ${c} channels; clicking on a scan needs a one-channel (CT) model`);
  if (h !== w) throw new FlowsegInputError(`${sampler.name} takes ${h}×${w} inputs; clicking on a scan needs a square crop`);
  const crop = clickCrop(volume, at, h, 'point');
  const samples = await sampler.sample(crop.input, options);
  const paste = (m: Float32Array | Uint8Array): Float32Array => pasteBack(m, crop.window, volume.nx, volume.ny);
  const affine = sliceAffine(volume.affine, crop.k);
  return {
    crop,
    samples,
    nx: volume.nx,
    ny: volume.ny,
    sliceAffineRas: volume.frame === 'LPS' ? flipXY(affine) : affine,
    masks: samples.masks.map((m) => Uint8Array.from(paste(m))),
    mean: paste(samples.mean),
    std: paste(samples.std),
    entropy: paste(samples.entropy),
  };
}

/** 1 where more than half of the masks are foreground (`flowseg sample --at`'s labels.nii.gz). */
export function majorityLabels(masks: readonly Uint8Array[]): Uint8Array {
  const votes = new Uint16Array(masks[0]?.length ?? 0);
  for (const m of masks) for (let i = 0; i < m.length; i++) votes[i] += m[i] as number;
  return Uint8Array.from(votes, (c) => (2 * c > masks.length ? 1 : 0));
}

/**
 * The pasted-back results as NIfTI files on the slice grid (the scan's affine for that slice),
 * named as `flowseg sample --at` names them: `labels.nii.gz` (uint8, the samples' majority),
 * `mean.nii.gz`, `std.nii.gz`, `entropy.nii.gz` (float32), and each sample's 0/1 labels
 * (`sample-00.nii.gz` …).
 */
export function scanSamplesToNifti(r: ScanSamples): Record<string, Uint8Array> {
  const grid = { nx: r.nx, ny: r.ny, nz: 1, affineRas: r.sliceAffineRas };
  const files: Record<string, Uint8Array> = { 'labels.nii.gz': encodeNifti({ ...grid, data: majorityLabels(r.masks), description: 'flowseg labels' }) };
  for (const [k, m] of r.masks.entries())
    files[`sample-${String(k).padStart(2, '0')}.nii.gz`] = encodeNifti({ ...grid, data: m, description: `flowseg sample ${k}` });
  for (const [name, map] of [
    ['mean', r.mean],
    ['std', r.std],
    ['entropy', r.entropy],
  ] as const)
    files[`${name}.nii.gz`] = encodeNifti({ ...grid, data: map, description: `flowseg ${name}` });
  return files;
}
