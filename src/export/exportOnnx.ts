import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SegmentationModel } from '../models/segmentationModel.js';
import { variantName } from '../models/config.js';
import { loadTrainedModel } from '../train/loadModel.js';
import { writeFileAtomic } from '../util/atomicWrite.js';
import { packageRoot } from '../util/paths.js';
import { buildInferenceGraph } from './buildGraph.js';
import { metadataProps, NORMALISATION, type OnnxModelMetadata } from './metadata.js';

export function flowsegVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

/** Serializes the inference graph of `model` (see buildGraph.ts) with its metadata. */
export function modelToOnnx(model: SegmentationModel, inputShape: [number, number, number]): { bytes: Uint8Array; metadata: OnnxModelMetadata } {
  const config = model.config;
  const metadata: OnnxModelMetadata = {
    variant: variantName(config),
    model: config.model,
    latent: config.latent,
    inputShape,
    normalisation: NORMALISATION,
    flowsegVersion: flowsegVersion(),
  };
  const graph = buildInferenceGraph({ config, inputShape, params: model.namedParameters() });
  return { bytes: graph.encode(`flowseg_${metadata.variant}`, metadataProps(metadata), metadata.flowsegVersion), metadata };
}

/** `flowseg export`: a run dir (best checkpoint) or checkpoint file → `out` (.onnx), written atomically. */
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
