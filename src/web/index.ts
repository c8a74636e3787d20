// flowseg/web — the browser entry point: an exported flowseg model on onnxruntime-web (WebGPU
// where present, else wasm). No Node imports. See docs/web.md.
export { WebSampler, loadSampler, type LoadSamplerOptions, type ModelSource, type SampleOptions, type WebSamples } from './sampler.js';
export { sampleAt, scanSamplesToNifti, majorityLabels, type ScanSamples, type VoxelPoint } from './scanSampler.js';
export { hasWebGpu, pickBackend, type Backend, type BackendChoice } from './backend.js';
export { parseMetadata, type OnnxModelMetadata } from '../export/metadata.js';
export { readOnnxMetadata } from '../export/onnxMetadata.js';
export { priorNoise } from '../infer/noise.js';
export { FOREGROUND_THRESHOLD, toMask } from '../infer/threshold.js';
export { encodeLabelPng } from '../infer/labelPng.js';
export { meanMap, stdMap, entropyMap } from '../metrics/index.js';
export { FlowsegInputError } from '../util/errors.js';
// The scan core (DICOM series, NIfTI volumes, the crop around a point, NIfTI out).
export {
  readDicomSeries,
  readNiftiVolume,
  sliceOf,
  clickCrop,
  encodeNifti,
  voxelToWorld,
  worldToVoxel,
  type ScanVolume,
  type NamedBytes,
  type ClickCrop,
} from '../scan/index.js';
