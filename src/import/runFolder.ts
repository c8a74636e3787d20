/**
 * The one place import-torch touches the run folder contract: a config.json and a best
 * checkpoint that `flowseg evaluate/sample/export` and the viewer load like a trained run's.
 */
import type { SegmentationModel } from '../models/segmentationModel.js';
import { freshTrainState, RUN_FILES, saveCheckpoint, writeRunConfig, type TrainConfig } from '../run/index.js';
import { join } from 'node:path';
import { writeDirAtomic } from '../util/outputDir.js';

/** Writes `out` atomically under the output policy (kind `run`): config.json + checkpoint-best. */
export function writeImportedRun(out: string, model: SegmentationModel, config: TrainConfig, overwrite = false): void {
  writeDirAtomic(
    out,
    'run',
    (tmp) => {
      writeRunConfig(join(tmp, RUN_FILES.config), config);
      saveCheckpoint(join(tmp, RUN_FILES.best), model, null, config, freshTrainState());
    },
    { overwrite },
  );
}
