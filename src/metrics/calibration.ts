import { assertSameLength, type ProbabilityMap } from './types.js';
import { meanMap } from './maps.js';
import { FlowsegInputError } from '../util/errors.js';

/**
 * Pixel calibration of the sample-mean foreground probability p̄ against the raters' soft mask
 * t (the share of raters who marked the pixel): reliability bins, the expected calibration
 * error and the Brier score. A model whose p̄ = 0.3 pixels are marked by 30% of the raters on
 * average is calibrated. Sums (not means) are kept, so images and folds merge exactly.
 */
export interface CalibrationBins {
  /** Equal-width bins over [0, 1]: bin k holds k/B ≤ p̄ < (k + 1)/B, the last one also p̄ = 1. */
  bins: number;
  /** Pixels per bin. */
  count: number[];
  /** Σ p̄ per bin. */
  sumProbability: number[];
  /** Σ t per bin. */
  sumTarget: number[];
  /** Σ (p̄ − t)² over all pixels: the Brier score's numerator. */
  sumSquaredError: number;
}

/** The default bin count (Guo et al. 2017 use 15 for classifiers; 10 keeps each bin's pixels readable). */
export const CALIBRATION_BINS = 10;

export function emptyCalibrationBins(bins: number = CALIBRATION_BINS): CalibrationBins {
  if (!Number.isInteger(bins) || bins < 1) throw new FlowsegInputError(`calibration bins must be a positive integer, got ${bins}`);
  return { bins, count: new Array(bins).fill(0), sumProbability: new Array(bins).fill(0), sumTarget: new Array(bins).fill(0), sumSquaredError: 0 };
}

/** Reliability bins of one image: `probability` p̄ and `target` t per pixel, both in [0, 1]. */
export function calibrationBins(probability: ArrayLike<number>, target: ArrayLike<number>, bins: number = CALIBRATION_BINS): CalibrationBins {
  assertSameLength('calibrationBins (probability, target)', [probability, target]);
  const out = emptyCalibrationBins(bins);
  for (let k = 0; k < probability.length; k++) {
    const p = probability[k] as number;
    const t = target[k] as number;
    const b = Math.min(bins - 1, Math.max(0, Math.floor(p * bins)));
    out.count[b]++;
    out.sumProbability[b] += p;
    out.sumTarget[b] += t;
    out.sumSquaredError += (p - t) ** 2;
  }
  return out;
}

/** The bins of one image from its sample probability maps and rater masks: p̄ = mean of the samples, t = mean of the raters. */
export function imageCalibration(samples: readonly ProbabilityMap[], raters: readonly ProbabilityMap[], bins: number = CALIBRATION_BINS): CalibrationBins {
  return calibrationBins(meanMap(samples), meanMap(raters), bins);
}

/** Sum of two bin sets (images, folds); both must have the same bin count. */
export function mergeCalibrationBins(a: CalibrationBins, b: CalibrationBins): CalibrationBins {
  if (a.bins !== b.bins) throw new FlowsegInputError(`cannot merge calibration bins of ${a.bins} and ${b.bins} bins`);
  const add = (x: number[], y: number[]): number[] => x.map((v, k) => v + (y[k] as number));
  return {
    bins: a.bins,
    count: add(a.count, b.count),
    sumProbability: add(a.sumProbability, b.sumProbability),
    sumTarget: add(a.sumTarget, b.sumTarget),
    sumSquaredError: a.sumSquaredError + b.sumSquaredError,
  };
}

const total = (b: CalibrationBins): number => b.count.reduce((s, n) => s + n, 0);

/** ECE = Σₖ (nₖ / N) · |mean p̄ₖ − mean tₖ| over the non-empty bins (Naeini et al. 2015), with the soft target; NaN without pixels. */
export function expectedCalibrationError(b: CalibrationBins): number {
  const n = total(b);
  if (n === 0) return Number.NaN;
  let ece = 0;
  for (let k = 0; k < b.bins; k++) {
    const nk = b.count[k] as number;
    if (nk > 0) ece += Math.abs((b.sumProbability[k] as number) - (b.sumTarget[k] as number)) / n;
  }
  return ece;
}

/** Brier score against the soft mask: mean over pixels of (p̄ − t)²; NaN without pixels. */
export function brierScore(b: CalibrationBins): number {
  const n = total(b);
  return n === 0 ? Number.NaN : b.sumSquaredError / n;
}

/** The reliability diagram's points: mean p̄ (x) against mean t (y) per non-empty bin, with its pixel count. */
export function reliabilityCurve(b: CalibrationBins): { probability: number; target: number; pixels: number }[] {
  const out: { probability: number; target: number; pixels: number }[] = [];
  for (let k = 0; k < b.bins; k++) {
    const nk = b.count[k] as number;
    if (nk > 0) out.push({ probability: (b.sumProbability[k] as number) / nk, target: (b.sumTarget[k] as number) / nk, pixels: nk });
  }
  return out;
}
