/**
 * The model behind `flowseg sample` on either engine: one interface (input shape, one call per
 * input, close) over the libtorch checkpoint and the exported ONNX model.
 */

// A one-shot command: onnxruntime's threads spinning between ops take the core the writing needs (docs/scans.md, "Speed").
const SPINNING = false;
import type { ImageSamples } from '../infer/types.js';
import { FlowsegInputError } from '../util/errors.js';

/** A loaded model on either engine: its input shape and one call per input. */
export interface SampleEngine {
  inputShape: [number, number, number];
  sample(input: Float32Array, n: number, seed: number): Promise<ImageSamples>;
  close(): Promise<void>;
}

export async function openEngine(engine: 'torch' | 'onnx', checkpoint: string): Promise<SampleEngine> {
  if (engine === 'onnx') {
    const [{ OnnxSampler, toImageSamples }, { priorNoise }] = await Promise.all([import('../export/onnxSampler.js'), import('../infer/noise.js')]);
    const sampler = await OnnxSampler.create(checkpoint, { spinning: SPINNING });
    const { inputShape, latent } = sampler.metadata;
    return {
      inputShape,
      sample: async (input, n, seed) => toImageSamples(input, inputShape[1], inputShape[2], await sampler.run(input, priorNoise(n, latent, seed), n), n),
      close: () => sampler.release(),
    };
  }
  const [{ loadTrainedModel }, { sampleImage }] = await Promise.all([import('../run/loadModel.js'), import('../infer/sampleImage.js')]).catch((err: Error) => {
    if (!/native engine is not built|libtorch|libc10/.test(err.message)) throw err;
    throw new FlowsegInputError(
      `--engine torch needs the libtorch addon (${err.message.split('\n')[0]}); export the model and use --engine onnx, or install libtorch (README: "Install")`,
    );
  });
  const { model, config } = loadTrainedModel(checkpoint);
  const inputShape = (config.inputShape ?? [model.config.inChannels, 128, 128]) as [number, number, number];
  return {
    inputShape,
    sample: async (input, n, seed) => sampleImage(model, input, inputShape, n, seed),
    close: async () => model.dispose(),
  };
}
