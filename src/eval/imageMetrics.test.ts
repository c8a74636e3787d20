import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emptySamplesByEmptyRaters, evaluateImage, meanStd, sampleReductions } from './imageMetrics.js';

const m = (...bits: number[]): Uint8Array => Uint8Array.from(bits);

test('evaluateImage: hand-computed GED, HM-IoU, IoU, disagreement, σ and −CLL on 4-pixel masks', () => {
  // samples S1 = 1100, S2 = 0000; raters Y1 = 1100, Y2 = 1000.
  const samples = [m(1, 1, 0, 0), m(0, 0, 0, 0)];
  const raters = [m(1, 1, 0, 0), m(1, 0, 0, 0)];
  const big = 30; // logits so sharp that log p(y) ≈ 0 where the sample agrees with y
  const logits = samples.map((s) => Float32Array.from(s, (b) => (b ? big : -big)));
  const probs = samples.map((s) => Float32Array.from(s));
  const { metrics } = evaluateImage('x', samples, raters, [0.5, 1.5], sampleReductions(probs, logits, raters));
  // d(S,Y): S1–Y1 0, S1–Y2 1/2, S2–Y1 1, S2–Y2 1 → mean 5/8. d(S,S) incl: pairs (1,2),(2,1) = 1, (2,2) empty = 0 → 2/4.
  // d(Y,Y): (1,2),(2,1) = 1/2 each → 1/4. GED incl = 2·5/8 − 1/2 − 1/4 = 1/2.
  assert.ok(Math.abs(metrics.ged_incl - 0.5) < 1e-12, String(metrics.ged_incl));
  // excl: the S2–S2 pair is dropped → d(S,S) = (0 + 1 + 1)/3 = 2/3 → 5/4 − 2/3 − 1/4 = 1/3.
  assert.ok(Math.abs(metrics.ged_excl - 1 / 3) < 1e-12, String(metrics.ged_excl));
  // Hungarian: raters repeated to 2 → best match S1–Y1 (1) + S2–Y2 (0) = mean 1/2.
  assert.ok(Math.abs(metrics.hm_iou - 0.5) < 1e-12);
  // IoU over all sample–rater pairs: (1 + 1/2 + 0 + 0)/4.
  assert.ok(Math.abs(metrics.iou - 0.375) < 1e-12);
  assert.ok(Math.abs(metrics.rater_disagreement - 0.25) < 1e-12);
  assert.ok(Math.abs(metrics.prior_sigma - 1) < 1e-12);
  // S2 is empty, no rater mask is.
  assert.equal(metrics.empty_samples, 0.5);
  assert.equal(metrics.empty_raters, 0);
  // −CLL for Y1: S1 reproduces it exactly (log p ≈ 0), S2 misses 2 pixels (log p ≈ −60) →
  // −logsumexp([0, −60]) + log 2 ≈ log 2. For Y2: S1 misses 1 pixel (−30), S2 misses 1 (−30) → 30 − log 2 + log 2 = 30 … mean of both.
  const expected = (Math.log(2) + 30) / 2;
  assert.ok(Math.abs(metrics.cll - expected) < 1e-6, `${metrics.cll} vs ${expected}`);
});

test('meanStd skips NaN like nanmean', () => {
  assert.deepEqual(meanStd([1, Number.NaN, 3]), { mean: 2, std: 1, n: 2 });
  assert.ok(Number.isNaN(meanStd([Number.NaN]).mean));
});

test('emptySamplesByEmptyRaters groups images by their count of empty rater masks and averages the empty-sample share', () => {
  const rows = [
    { empty_samples: 0.25, empty_raters: 0 },
    { empty_samples: 0.75, empty_raters: 0.5 },
    { empty_samples: 0.5, empty_raters: 0 },
    { empty_samples: 1, empty_raters: 1 },
    { empty_samples: 0, empty_raters: 0.75 },
  ];
  assert.deepEqual(emptySamplesByEmptyRaters(rows, [4, 4, 4, 1, 4]), [
    { emptyRaters: 1, raters: 1, images: 1, emptySamples: 1 },
    { emptyRaters: 0, raters: 4, images: 2, emptySamples: 0.375 },
    { emptyRaters: 2, raters: 4, images: 1, emptySamples: 0.75 },
    { emptyRaters: 3, raters: 4, images: 1, emptySamples: 0 },
  ]);
});
