import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ged } from './ged.js';
import { hungarianIou } from './hungarian.js';
import { pairwiseIou } from './pairwise.js';
import { meanSampleRaterOverlap, sampleSetMetrics } from './sampleSet.js';

const m = (...bits: number[]): Uint8Array => Uint8Array.from(bits);
const close = (a: number, b: number): void => assert.ok(Math.abs(a - b) < 1e-12, `${a} ≉ ${b}`);

// IoU(S,Y) = [[1/2, 0], [0, ∅∅]]
const S = [m(1, 1, 0, 0), m(0, 0, 0, 0)];
const Y = [m(1, 0, 0, 0), m(0, 0, 0, 0)];

test('one pairwise pass gives the same values as the single-metric functions', () => {
  const all = sampleSetMetrics(S, Y);
  close(all.gedExcl, ged(S, Y, { emptyPairs: 'exclude' }));
  close(all.gedIncl, ged(S, Y, { emptyPairs: 'include' }));
  close(all.hmIou, hungarianIou(S, Y));
  assert.equal(all.pairwise.samples, 2);
  assert.equal(all.pairwise.raters, 2);
});

test('mean sample–rater IoU and Dice by hand under both conventions', () => {
  const p = pairwiseIou(S, Y);
  close(meanSampleRaterOverlap(p, 'iou', { emptyPairs: 'include' }), (0.5 + 0 + 0 + 1) / 4);
  close(meanSampleRaterOverlap(p, 'iou', { emptyPairs: 'exclude' }), 0.5 / 3);
  close(meanSampleRaterOverlap(p, 'dice', { emptyPairs: 'include' }), (2 / 3 + 1) / 4);
  close(sampleSetMetrics(S, Y).dice, (2 / 3 + 1) / 4);
});
