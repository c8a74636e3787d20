export { BUILTIN_PRESETS, presetFolds, defaultVariantName, type Preset, type PresetSplit, type PresetTraining, type VariantSpec } from './presets.js';
export { resolvePreset, loadPresetFile, parseVariantName, type PresetOverrides } from './presetFile.js';
export { planJobs, jobStatus, readDone, selectFolds, DONE, type Budget, type Job, type JobStatus, type DoneMarker } from './jobs.js';
export { checkPlan, writePlan, PLAN, type PlanFile } from './plan.js';
export { runJob, effectiveConfig, type JobResult, type JobEvents } from './runJob.js';
export { runCv, listJobs, CV_LOG, type CvOptions, type CvResult, type JobListing } from './cv.js';
