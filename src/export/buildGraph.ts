import type { SegmentationModel } from '../models/segmentationModel.js';
import { GraphBuilder } from './onnxGraph.js';

export interface GraphSpec {
  model: SegmentationModel;
  /** [C, H, W] of the model input. */
  inputShape: [number, number, number];
}

/**
 * The inference path as one ONNX graph; the nodes come from the model itself (`onnxSample`,
 * each module's `onnx` beside its `forward`), so this file only declares inputs and outputs.
 *   inputs:  image [B, C, H, W], eps [B, n, L]
 *   outputs: probs, logits [B, n, H, W], prior_mu, prior_sigma [B, L]
 * The U-Net runs once per image; only fcomb runs per sample, exactly as `model.sample`
 * (the browser viewer relies on it). The deterministic U-Net takes eps for n and ignores it.
 * Importing this file does not load libtorch (type imports only).
 */
export function buildInferenceGraph(spec: GraphSpec): GraphBuilder {
  const { model, inputShape } = spec;
  const [c, h, w] = inputShape;
  const L = model.config.latent;
  const g = new GraphBuilder();
  const image = g.input('image', ['B', c, h, w]);
  const eps = g.input('eps', ['B', 'n', L]);
  const out = model.onnxSample(g, image, eps);
  g.output(out.logits, 'logits', ['B', 'n', h, w]);
  g.output(g.op('Sigmoid', [out.logits]), 'probs', ['B', 'n', h, w]);
  g.output(out.priorMu, 'prior_mu', ['B', L]);
  g.output(out.priorSigma, 'prior_sigma', ['B', L]);
  return g;
}
