import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SegmentationModel } from '../models/segmentationModel.js';
import { variantName } from '../models/config.js';
import { packageRoot } from '../util/paths.js';
import { buildInferenceGraph } from './buildGraph.js';
import { metadataProps, NORMALISATION, type OnnxModelMetadata } from './metadata.js';

// Engine-free on purpose: flowseg/export imports this file statically, and importing
// flowseg/export must not load libtorch (the model passed in already lives in the engine).

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
  const graph = buildInferenceGraph({ model, inputShape });
  return { bytes: graph.encode(`flowseg_${metadata.variant}`, metadataProps(metadata), metadata.flowsegVersion), metadata };
}
