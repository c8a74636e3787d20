// Evaluation metrics over binary masks and probability maps: pure TypeScript, no engine, browser-safe.
export type { EmptyPairs, EmptyPairsOptions, Mask, ProbabilityMap } from './types.js';
export { iou, dice } from './overlap.js';
export { packMask, intersectionCount, popcount32, type PackedMask } from './packed.js';
export { pairwiseIou, pairwiseIouPacked, type PairwiseIou } from './pairwise.js';
export { ged, gedFromPairwise, type GedOptions } from './ged.js';
export { hungarianIou, hungarianIouFromPairwise } from './hungarian.js';
export { sampleSetMetrics, meanSampleRaterOverlap, type SampleSetMetrics } from './sampleSet.js';
export { meanMap, stdMap, entropyMap, probabilityAt } from './maps.js';
export { NCC_EPS, ncc, nccFromLogMeans, sampleLogMeans, gammaMap, type NccOptions, type SampleLogMeans } from './ncc.js';
export { negCll, maskLogLikelihood, maskLogLikelihoodFromLogits, maskLogLikelihoodTable, type ClampOptions } from './cll.js';
export {
  CALIBRATION_BINS,
  brierScore,
  calibrationBins,
  emptyCalibrationBins,
  expectedCalibrationError,
  imageCalibration,
  mergeCalibrationBins,
  reliabilityCurve,
  type CalibrationBins,
} from './calibration.js';
export { COVERAGE_IOU, bestIouPerRater, raterCoverage, type RaterCoverage } from './coverage.js';
