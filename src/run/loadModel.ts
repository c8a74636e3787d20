import { createModel } from '../models/create.js';
import type { SegmentationModel } from '../models/segmentationModel.js';
import { readCheckpoint, restore, disposeCheckpoint } from './checkpoint.js';
import type { TrainConfig } from './config.js';

/** Rebuilds a trained model from a run dir (best checkpoint, else last) or a checkpoint file. */
export function loadTrainedModel(pathOrRunDir: string, prefer: 'best' | 'last' = 'best'): { model: SegmentationModel; config: TrainConfig } {
  const ckpt = readCheckpoint(pathOrRunDir, prefer);
  try {
    const inChannels = ckpt.tensors.get('unet.down.0.0.weight')?.shape[1] ?? ckpt.config.modelConfig.inChannels;
    const model = createModel({ ...ckpt.config.modelConfig, inChannels });
    restore(ckpt, model, null, pathOrRunDir);
    return { model, config: ckpt.config };
  } finally {
    disposeCheckpoint(ckpt);
  }
}
