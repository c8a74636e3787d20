import {
  COVERAGE_IOU,
  bestIouPerRater,
  raterCoverage,
  pairwiseIou,
  gedFromPairwise,
  hungarianIouFromPairwise,
  meanSampleRaterOverlap,
  nccFromLogMeans,
  negCll,
  maskLogLikelihoodTable,
  sampleLogMeans,
  type PairwiseIou,
  type SampleLogMeans,
} from '../metrics/index.js';

/** One test image's row in per_image.csv/json. */
export interface ImageMetrics {
  id: string;
  ged_excl: number;
  ged_incl: number;
  hm_iou: number;
  iou: number;
  dice: number;
  cll: number;
  ncc: number;
  /** mean prior σ over the latent dims (seed 000's ambiguity indicator) */
  prior_sigma: number;
  /** mean pairwise 1 − IoU among the raters (empty pairs included as agreement) */
  rater_disagreement: number;
  /** share of the samples with no foreground pixel */
  empty_samples: number;
  /** share of the rater masks with no foreground pixel */
  empty_raters: number;
  /** per rater, the best IoU any sample reaches against its mask (∅∅ = 1; src/metrics/coverage.ts); per_image.json only */
  rater_best_iou: number[];
}

/** Share of a set's k masks that are empty: the NaN (0/0) entries on the diagonal of its [k, k] IoU matrix. */
function emptyShare(iou: Float64Array, k: number): number {
  let empty = 0;
  for (let i = 0; i < k; i++) if (Number.isNaN(iou[i * k + i] as number)) empty++;
  return k === 0 ? Number.NaN : empty / k;
}

export interface ImageEvaluation {
  metrics: ImageMetrics;
  pairwise: PairwiseIou;
}

/**
 * The pixel sums behind −CLL and NCC: each (rater, sample) log-likelihood and the samples'
 * per-pixel log means. {@link sampleReductions} computes them here; evaluate computes a whole
 * batch's on the engine (batchReductions.ts).
 */
export interface SampleReductions {
  /** ln p(rater r | sample j) at [r × samples + j] */
  logLikelihoods: Float64Array;
  logMeans: SampleLogMeans;
}

/** {@link SampleReductions} of one image from its samples' probabilities and logits. */
export function sampleReductions(probs: readonly Float32Array[], logits: readonly Float32Array[], raters: readonly Uint8Array[]): SampleReductions {
  return { logLikelihoods: maskLogLikelihoodTable(logits, raters), logMeans: sampleLogMeans(probs) };
}

/**
 * Every metric of MODEL.md for one image from its sample masks, rater masks and the samples'
 * pixel sums ({@link SampleReductions}), computing the pairwise IoUs once. −CLL is averaged over
 * the rater masks.
 */
export function evaluateImage(
  id: string,
  masks: Uint8Array[],
  raters: Uint8Array[],
  priorSigma: ArrayLike<number>,
  reductions: SampleReductions,
): ImageEvaluation {
  const p = pairwiseIou(masks, raters);
  const include = { emptyPairs: 'include' } as const;
  const ll = reductions.logLikelihoods; // [raters × samples]
  const n = masks.length;
  if (ll.length !== raters.length * n) throw new Error(`evaluateImage: ${ll.length} log-likelihoods for ${raters.length} raters × ${n} samples`);
  const cllPerRater = raters.map((_, r) => negCll(ll.subarray(r * n, (r + 1) * n)));
  let dis = 0;
  for (let i = 0; i < p.raters; i++)
    for (let j = 0; j < p.raters; j++) dis += 1 - (Number.isNaN(p.yy[i * p.raters + j] as number) ? 1 : (p.yy[i * p.raters + j] as number));
  let sigma = 0;
  for (let k = 0; k < priorSigma.length; k++) sigma += priorSigma[k] as number;
  return {
    pairwise: p,
    metrics: {
      id,
      ged_excl: gedFromPairwise(p, { emptyPairs: 'exclude' }),
      ged_incl: gedFromPairwise(p, include),
      hm_iou: hungarianIouFromPairwise(p),
      iou: meanSampleRaterOverlap(p, 'iou', include),
      dice: meanSampleRaterOverlap(p, 'dice', include),
      cll: cllPerRater.reduce((a, b) => a + b, 0) / cllPerRater.length,
      ncc: nccFromLogMeans(reductions.logMeans, raters),
      prior_sigma: sigma / Math.max(1, priorSigma.length),
      rater_disagreement: dis / (p.raters * p.raters),
      empty_samples: emptyShare(p.ss, p.samples),
      empty_raters: emptyShare(p.yy, p.raters),
      rater_best_iou: Array.from(bestIouPerRater(p)),
    },
  };
}

/** NaN-skipping mean and (population) std, as Kohl's nanmean. */
export function meanStd(values: readonly number[]): { mean: number; std: number; n: number } {
  const v = values.filter((x) => Number.isFinite(x));
  if (v.length === 0) return { mean: Number.NaN, std: Number.NaN, n: 0 };
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
  return { mean, std, n: v.length };
}

/** One row of {@link emptySamplesByEmptyRaters}. */
export interface EmptinessRow {
  /** how many of an image's rater masks are empty */
  emptyRaters: number;
  raters: number;
  images: number;
  /** mean share of empty samples over those images (a calibrated model: emptyRaters / raters) */
  emptySamples: number;
}

/**
 * How often the model draws an empty mask, grouped by how many raters drew none: on LIDC the
 * raters disagree about whether there is a nodule at all, and a model whose prior follows them
 * draws empty masks about as often as the raters did. Rows sorted by (raters, emptyRaters).
 */
export function emptySamplesByEmptyRaters(rows: readonly { empty_samples: number; empty_raters: number }[], ratersOf: readonly number[]): EmptinessRow[] {
  const groups = new Map<string, { emptyRaters: number; raters: number; sum: number; images: number }>();
  rows.forEach((row, i) => {
    const raters = ratersOf[i] as number;
    const emptyRaters = Math.round(row.empty_raters * raters);
    const key = `${raters}/${emptyRaters}`;
    const g = groups.get(key) ?? { emptyRaters, raters, sum: 0, images: 0 };
    g.sum += row.empty_samples;
    g.images++;
    groups.set(key, g);
  });
  return [...groups.values()]
    .sort((a, b) => a.raters - b.raters || a.emptyRaters - b.emptyRaters)
    .map((g) => ({ emptyRaters: g.emptyRaters, raters: g.raters, images: g.images, emptySamples: g.sum / g.images }));
}

/** summary.rater_coverage: over every rater mask of every image, the mean best IoU and the share some sample matches at IoU ≥ `iou`. */
export function raterCoverageSummary(rows: readonly { rater_best_iou: readonly number[] }[]): {
  raters: number;
  meanBestIou: number | null;
  matchedShare: number | null;
  iou: number;
} {
  const c = raterCoverage(rows.flatMap((r) => r.rater_best_iou));
  const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);
  return { raters: c.raters, meanBestIou: finite(c.meanBestIou), matchedShare: finite(c.matchedShare), iou: COVERAGE_IOU };
}
