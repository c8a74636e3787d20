import { tensor } from '../tensor/create.js';
import { scope } from '../tensor/scope.js';
import { noGrad } from '../tensor/engine.js';
import type { SegmentationModel } from '../models/segmentationModel.js';
import { priorNoise } from './noise.js';
import { imageSamples } from './imageSamples.js';
import type { ImageSamples } from './types.js';

/** n segmentations of one image with the libtorch engine (U-Net once, fcomb per sample). */
export function sampleImage(model: SegmentationModel, image: Float32Array, inputShape: [number, number, number], n: number, seed: number): ImageSamples {
  const [c, h, w] = inputShape;
  const eps = priorNoise(n, model.config.latent, seed);
  return scope(() =>
    noGrad(() => {
      const s = model.sample(tensor(image, [1, c, h, w]), n, { eps: tensor(eps, [1, n, model.config.latent]) });
      // [1, n, H, W] probabilities, prior μ/σ [1, L]
      return imageSamples(image, h, w, s.probs.toFloat32Array(), n, s.priorMu.toFloat32Array(), s.priorSigma.toFloat32Array());
    }),
  );
}
