// A ProbUNet with random weights whose samples follow the image and differ from each other:
// the model of the browser tests and the browser bench while no trained model is at hand
// (test code only). Built on libtorch, exported to ONNX bytes.
import { DEFAULT_MODEL_CONFIG, ProbUNet } from '../models/index.js';
import { manualSeed, noGrad, scope, tensor, type Tensor } from '../tensor/index.js';
import { modelToOnnx } from '../export/exportOnnx.js';
import { calibrateModel } from './tinyRun.js';

export interface ViewerTestModel {
  model: ProbUNet;
  /** the ONNX export of `model` */
  onnx: Uint8Array;
}

/**
 * Random weights, then: the prior head shrunk (μ ≈ 0, σ ≈ 1, as after training), z's share of
 * fcomb's input shrunk and the last layer sharpened, so masks follow the image and vary per
 * sample instead of flipping whole images; the threshold put mid-range on `image` for `seed`.
 * The caller disposes `model`.
 */
export function viewerTestModel(image: Float32Array, shape: [number, number, number], seed: number, filters = [8, 16, 32]): ViewerTestModel {
  manualSeed(7);
  const latent = 6;
  const model = new ProbUNet({ ...DEFAULT_MODEL_CONFIG, filters, latent });
  const params = model.namedParameters();
  const priorHead = params.get('prior.head.weight') as Tensor;
  const fcomb0 = params.get('fcomb.layers.0.weight') as Tensor; // [F, F + L, 1, 1]; z is the last L inputs
  const f = filters[0] as number;
  const zScale = Float32Array.from({ length: f + latent }, (_, i) => (i < f ? 1 : 0.01));
  scope(() =>
    noGrad(() => {
      priorHead.copyFrom(priorHead.mul(0.01));
      fcomb0.copyFrom(fcomb0.mul(tensor(zScale, [1, f + latent, 1, 1])));
      const last = params.get('fcomb.last.weight') as Tensor;
      last.copyFrom(last.mul(20));
    }),
  );
  calibrateModel(model, image, shape, seed);
  return { model, onnx: modelToOnnx(model, shape).bytes };
}
