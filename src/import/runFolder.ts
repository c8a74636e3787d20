/**
 * The one place import-torch touches the run folder contract: a config.json and a best
 * checkpoint that `flowseg evaluate/sample/export` and the viewer load like a trained run's.
 */
import type { SegmentationModel } from '../models/segmentationModel.js';
import { RUN_FILES, saveCheckpoint, writeRunConfig, type TrainConfig, type TrainState } from '../run/index.js';
import { join } from 'node:path';
import { writeDirAtomic } from '../util/outputDir.js';

/** A state saying "no training happened here": epoch 0, no steps, no best metric. */
const IMPORTED_STATE: TrainState = {
  epoch: 0,
  batchInEpoch: 0,
  step: 0,
  epochOrder: [],
  epochLossSum: 0,
  epochLossCount: 0,
  dataRng: [],
  bestMetric: null,
  bestEpoch: -1,
  epochsWithoutImprovement: 0,
  elapsedSeconds: 0,
  optimizerSteps: 0,
};

/** Writes `out` atomically under the output policy (kind `run`): config.json + checkpoint-best. */
export function writeImportedRun(out: string, model: SegmentationModel, config: TrainConfig, overwrite = false): void {
  writeDirAtomic(
    out,
    'run',
    (tmp) => {
      writeRunConfig(join(tmp, RUN_FILES.config), config);
      saveCheckpoint(join(tmp, RUN_FILES.best), model, null, config, IMPORTED_STATE);
    },
    { overwrite },
  );
}
