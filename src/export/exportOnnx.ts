import { loadTrainedModel } from '../run/loadModel.js';
import { writeFileAtomic } from '../util/atomicWrite.js';
import { modelToOnnx } from './modelToOnnx.js';
import { weightsToFloat16 } from './fp16.js';
import type { OnnxModelMetadata } from './metadata.js';

export { flowsegVersion, modelToOnnx } from './modelToOnnx.js';

/**
 * `flowseg export`: a run dir (best checkpoint) or checkpoint file → `out` (.onnx), written
 * atomically; `fp16` stores the weights as float16 (fp16.ts). Loads libtorch (to read the
 * checkpoint); flowseg/export reaches it lazily.
 */
export function exportCheckpoint(checkpoint: string, out: string, o: { fp16?: boolean } = {}): OnnxModelMetadata & { bytes: number } {
  const { model, config } = loadTrainedModel(checkpoint);
  try {
    const inputShape = config.inputShape ?? [model.config.inChannels, 128, 128];
    const { bytes: float32, metadata } = modelToOnnx(model, inputShape);
    const bytes = o.fp16 ? weightsToFloat16(float32, checkpoint) : float32;
    writeFileAtomic(out, bytes);
    return { ...metadata, weights: o.fp16 ? 'float16' : 'float32', bytes: bytes.length };
  } finally {
    model.dispose();
  }
}
