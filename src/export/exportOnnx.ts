import { loadTrainedModel } from '../run/loadModel.js';
import { writeFileAtomic } from '../util/atomicWrite.js';
import { modelToOnnx } from './modelToOnnx.js';
import type { OnnxModelMetadata } from './metadata.js';

export { flowsegVersion, modelToOnnx } from './modelToOnnx.js';

/**
 * `flowseg export`: a run dir (best checkpoint) or checkpoint file → `out` (.onnx), written
 * atomically. Loads libtorch (to read the checkpoint); flowseg/export reaches it lazily.
 */
export function exportCheckpoint(checkpoint: string, out: string): OnnxModelMetadata & { bytes: number } {
  const { model, config } = loadTrainedModel(checkpoint);
  try {
    const inputShape = config.inputShape ?? [model.config.inChannels, 128, 128];
    const { bytes, metadata } = modelToOnnx(model, inputShape);
    writeFileAtomic(out, bytes);
    return { ...metadata, bytes: bytes.length };
  } finally {
    model.dispose();
  }
}
