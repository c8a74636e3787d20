/** What sampling one image gives, on every engine. */
export interface ImageSamples {
  height: number;
  width: number;
  /** [C, H, W] the model input (resized, in [0, 1]) */
  image: Float32Array;
  /** n probability maps [H, W] */
  probs: Float32Array[];
  /** n binary masks (p > FOREGROUND_THRESHOLD) [H, W] */
  masks: Uint8Array[];
  mean: Float32Array;
  std: Float32Array;
  priorMu: number[];
  priorSigma: number[];
}
