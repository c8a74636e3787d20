import { tensor } from '../tensor/create.js';
import { scope } from '../tensor/scope.js';
import { noGrad } from '../tensor/engine.js';
import type { SegmentationModel } from '../models/segmentationModel.js';
import { meanMap, stdMap } from '../metrics/index.js';
import { priorNoise } from './noise.js';
import { toMask } from './threshold.js';
import type { ImageSamples } from './types.js';

/** n segmentations of one image with the libtorch engine (U-Net once, fcomb per sample). */
export function sampleImage(model: SegmentationModel, image: Float32Array, inputShape: [number, number, number], n: number, seed: number): ImageSamples {
  const [c, h, w] = inputShape;
  const eps = priorNoise(n, model.config.latent, seed);
  return scope(() =>
    noGrad(() => {
      const s = model.sample(tensor(image, [1, c, h, w]), n, { eps: tensor(eps, [1, n, model.config.latent]) });
      const flat = s.probs.toFloat32Array(); // [1, n, H, W]
      const probs = Array.from({ length: n }, (_, k) => flat.slice(k * h * w, (k + 1) * h * w));
      const masks = probs.map(toMask);
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
