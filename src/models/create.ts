import type { ModelConfig } from './config.js';
import { DetUNet } from './detUnet.js';
import { ProbUNet } from './probUnet.js';
import type { SegmentationModel } from './segmentationModel.js';

export function createModel(config: ModelConfig): SegmentationModel {
  return config.model === 'detunet' ? new DetUNet(config) : new ProbUNet(config);
}
