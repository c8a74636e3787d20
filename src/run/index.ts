/** The run folder contract: the only module that names a run's files (docs/run-format.md). */
export { RUN_FILES, EVAL_FILES, RUN_ENTRIES, runFile, evalFile, runEvalDir, runSummaryFile } from './paths.js';
export {
  trainConfigSchema,
  parseTrainConfig,
  readRunConfig,
  writeRunConfig,
  runConfigFile,
  type TrainConfig,
  type RunConfigFile,
  type Monitor,
} from './config.js';
export {
  freshTrainState,
  saveCheckpoint,
  readCheckpoint,
  restore,
  disposeCheckpoint,
  LAST,
  BEST,
  type TrainState,
  type LoadedCheckpoint,
} from './checkpoint.js';
export { loadTrainedModel } from './loadModel.js';
export { appendLog, readLog, lastLogLine, rollbackLog, type LogLine, type RunLog } from './log.js';
export { lockRun, type RunLock } from './lock.js';
export { doneSchema, isDone, readDone, writeDone, type DoneMarker } from './done.js';
export { saveRunSplit, loadRunSplit } from './split.js';
export { METRIC_KEYS, type MetricKey, type Summary } from './schemas.js';
