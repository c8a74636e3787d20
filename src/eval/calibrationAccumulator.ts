import {
  CALIBRATION_BINS,
  brierScore,
  emptyCalibrationBins,
  expectedCalibrationError,
  imageCalibration,
  mergeCalibrationBins,
  type CalibrationBins,
} from '../metrics/index.js';

/** summary.calibration: the summed bins (so folds merge in the report), with this evaluation's ECE and Brier. */
export type CalibrationRecord = CalibrationBins & { ece: number | null; brier: number | null };

/**
 * Collects the pixel reliability bins of an evaluation image by image (MONAI-style: the metric
 * functions live in src/metrics/calibration.ts, this only sums): the sample-mean probability of
 * each image's n samples against its raters' mean mask.
 */
export class CalibrationAccumulator {
  private bins: CalibrationBins;

  constructor(bins: number = CALIBRATION_BINS) {
    this.bins = emptyCalibrationBins(bins);
  }

  /** One image: its n samples' probability maps and its rater masks (H·W each). */
  add(samples: readonly Float32Array[], raters: readonly Uint8Array[]): void {
    this.bins = mergeCalibrationBins(this.bins, imageCalibration(samples, raters, this.bins.bins));
  }

  /** What summary.json stores (JSON has no NaN: an empty evaluation's ECE and Brier are null). */
  record(): CalibrationRecord {
    const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);
    return { ...this.bins, ece: finite(expectedCalibrationError(this.bins)), brier: finite(brierScore(this.bins)) };
  }
}
