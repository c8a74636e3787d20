// ONNX export and the onnxruntime-node sampler (see docs/inference.md). Importing this entry
// point loads neither libtorch nor onnxruntime: OnnxSampler loads onnxruntime-node when a
// session is created, exportCheckpoint loads the libtorch engine when called.
import type { OnnxModelMetadata } from './metadata.js';

export { modelToOnnx, flowsegVersion } from './modelToOnnx.js';
export { OnnxSampler, sampleImageOnnx, toImageSamples, type OnnxSampleOutput, type OnnxSamplerOptions } from './onnxSampler.js';
export { parseMetadata, metadataProps, NORMALISATION, type OnnxModelMetadata } from './metadata.js';
export { OPSET } from './onnxGraph.js';
export { readOnnxMetadata } from './onnxMetadata.js';
export { weightsToFloat16 } from './fp16.js';
export { startViewServer, ensureViewerBuilt, type ServedModel, type ViewServer, type ViewServerOptions } from './viewServer.js';

/** A run dir (best checkpoint) or checkpoint file → ONNX file; needs the libtorch addon. */
export async function exportCheckpoint(checkpoint: string, out: string, o: { fp16?: boolean } = {}): Promise<OnnxModelMetadata & { bytes: number }> {
  return (await import('./exportOnnx.js')).exportCheckpoint(checkpoint, out, o);
}
