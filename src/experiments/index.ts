export { BUILTIN_PRESETS, presetFolds, defaultVariantName, type Preset, type PresetSplit, type PresetTraining, type VariantSpec } from './presets.js';
export { resolvePreset, loadPresetFile, parseVariantName, type PresetOverrides } from './presetFile.js';
export { planJobs, jobStatus, selectFolds, type Budget, type Job, type JobStatus } from './jobs.js';
export { readDone, RUN_FILES, type DoneMarker } from '../run/index.js';
export { buildTrainConfig, presetLayer, readConfigLayer, type TrainConfigLayer } from './trainConfig.js';
export { checkPlan, writePlan, PLAN, type PlanFile } from './plan.js';
export { runJob, effectiveConfig, type JobResult, type JobEvents } from './runJob.js';
export { runCv, listJobs, CV_LOG, type CvOptions, type CvResult, type JobListing } from './cv.js';
