// ONNX export and the onnxruntime-node sampler (see docs/inference.md).
export { exportCheckpoint, modelToOnnx, flowsegVersion } from './exportOnnx.js';
export { OnnxSampler, sampleImageOnnx, toImageSamples, type OnnxSampleOutput, type OnnxSamplerOptions } from './onnxSampler.js';
export { parseMetadata, metadataProps, NORMALISATION, type OnnxModelMetadata } from './metadata.js';
export { readOnnxMetadata, OPSET } from './onnxGraph.js';
export { startViewServer, ensureViewerBuilt, type ViewServer, type ViewServerOptions } from './viewServer.js';
