import { readImageFile } from '../data/image/decode.js';
import { toPlanes } from '../data/image/raster.js';
import { resizeBilinear } from '../data/image/resize.js';
import { tensor, randn, Generator } from '../tensor/create.js';
import { scope } from '../tensor/scope.js';
import { noGrad } from '../tensor/engine.js';
import type { SegmentationModel } from '../models/segmentationModel.js';
import { meanMap, stdMap } from '../metrics/index.js';
import { FlowsegInputError } from '../util/errors.js';

export interface ImageSamples {
  height: number;
  width: number;
  /** [C, H, W] the model input (resized, in [0, 1]) */
  image: Float32Array;
  /** n probability maps [H, W] */
  probs: Float32Array[];
  /** n binary masks (p > 0.5) [H, W] */
  masks: Uint8Array[];
  mean: Float32Array;
  std: Float32Array;
  priorMu: number[];
  priorSigma: number[];
}

/** Reads a PNG/JPEG and converts it to the model's input planes `[C, H, W]` in [0, 1]. */
export async function loadModelInput(path: string, inputShape: [number, number, number]): Promise<Float32Array> {
  const [c, h, w] = inputShape;
  const raster = await readImageFile(path);
  const planes = toPlanes(raster, c === 3 ? 'rgb' : 'luminance');
  if (c !== 1 && c !== 3) throw new FlowsegInputError(`${path}: the model expects ${c} channels; only 1 (gray) or 3 (RGB) inputs are supported`);
  return resizeBilinear(planes, c, raster.height, raster.width, h, w);
}

/**
 * The prior noise ε [n, L] for `seed`: drawn in one place so every engine (libtorch, ONNX,
 * the browser) turns the same seed into the same z.
 */
export function priorNoise(n: number, latent: number, seed: number): Float32Array {
  return scope(() => randn([n, latent], { generator: new Generator(seed) }).toFloat32Array());
}

/** n segmentations of one image with the libtorch engine (U-Net once, fcomb per sample). */
export function sampleImage(model: SegmentationModel, image: Float32Array, inputShape: [number, number, number], n: number, seed: number): ImageSamples {
  const [c, h, w] = inputShape;
  const eps = priorNoise(n, model.config.latent, seed);
  return scope(() =>
    noGrad(() => {
      const s = model.sample(tensor(image, [1, c, h, w]), n, { eps: tensor(eps, [1, n, model.config.latent]) });
      const flat = s.probs.toFloat32Array(); // [1, n, H, W]
      const probs = Array.from({ length: n }, (_, k) => flat.slice(k * h * w, (k + 1) * h * w));
      const masks = probs.map((p) => Uint8Array.from(p, (v) => (v > 0.5 ? 1 : 0)));
      return {
        height: h,
        width: w,
        image,
        probs,
        masks,
        mean: meanMap(probs),
        std: stdMap(probs),
        priorMu: Array.from(s.priorMu.toFloat32Array()),
        priorSigma: Array.from(s.priorSigma.toFloat32Array()),
      };
    }),
  );
}
