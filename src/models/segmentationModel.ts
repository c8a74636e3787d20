import type { Tensor } from '../tensor/tensor.js';
import type { Module } from '../nn/module.js';
import type { OnnxEmitter } from '../nn/onnx.js';
import type { ElboParts } from '../losses/elbo.js';
import type { ModelConfig } from './config.js';
import type { Generator } from '../tensor/create.js';

export interface LossOptions {
  /** Posterior noise ε [B, L] (tests inject it; otherwise drawn from the global generator). */
  eps?: Tensor;
}

export interface SampleOptions {
  /** Prior noise ε [B, n, L]; z = μp + σp·ε. Given explicitly so two engines see the same z. */
  eps?: Tensor;
  generator?: Generator;
}

export interface Samples {
  /** sigmoid probabilities [B, n, H, W] */
  probs: Tensor;
  /** logits [B, n, H, W] (for −CLL) */
  logits: Tensor;
  /** prior μ and σ [B, L] (zeros/ones for the deterministic U-Net) */
  priorMu: Tensor;
  priorSigma: Tensor;
}

/** log σ of the prior and posterior [B, L], for training-health logging (absent for the deterministic U-Net). */
export interface LatentDiagnostics {
  priorLogSigma?: Tensor;
  posteriorLogSigma?: Tensor;
}

/** Node names of the ONNX sampling graph's results (export/buildGraph.ts adds inputs and outputs). */
export interface OnnxSampleNodes {
  /** [B, n, H, W] */
  logits: string;
  /** [B, L] */
  priorMu: string;
  priorSigma: string;
}

/** What training and evaluation need from any model variant. */
export interface SegmentationModel extends Module {
  readonly config: ModelConfig;
  /** images [B, C, H, W], masks [B, 1, H, W] (0/1 float) → loss and its logged parts. */
  loss(images: Tensor, masks: Tensor, options?: LossOptions): ElboParts & LatentDiagnostics;
  /** The bias of the output layer (the logit every pixel starts from), a parameter [1]. */
  outputBias(): Tensor;
  /** n segmentations per image; the U-Net runs once per image, only prior sampling + fcomb per sample. */
  sample(images: Tensor, n: number, options?: SampleOptions): Samples;
  /** The ONNX twin of `sample`: image [B, C, H, W], eps [B, n, L] node names → result nodes. */
  onnxSample(g: OnnxEmitter, image: string, eps: string): OnnxSampleNodes;
}
