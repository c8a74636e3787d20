import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FlowsegInputError } from '../util/errors.js';
import { ged, gedFromPairwise } from './ged.js';
import { pairwiseIou } from './pairwise.js';

const m = (...bits: number[]): Uint8Array => Uint8Array.from(bits);
const close = (a: number, b: number): void => assert.ok(Math.abs(a - b) < 1e-12, `${a} ≉ ${b}`);

// S = {S1 = 1100, S2 = ∅}, Y = {Y1 = 1000, Y2 = ∅}.
// IoU(S,Y) = [[1/2, 0], [0, ∅∅]], IoU(S,S') = [[1, 0], [0, ∅∅]], IoU(Y,Y') = [[1, 0], [0, ∅∅]].
const S = [m(1, 1, 0, 0), m(0, 0, 0, 0)];
const Y = [m(1, 0, 0, 0), m(0, 0, 0, 0)];

test('GED excluded by hand: d_SY = 5/6, d_SS = d_YY = 2/3 → 1/3', () => {
  close(ged(S, Y, { emptyPairs: 'exclude' }), 2 * (5 / 6) - 2 / 3 - 2 / 3);
});

test('GED included by hand: d_SY = 5/8, d_SS = d_YY = 1/2 → 1/4', () => {
  close(ged(S, Y, { emptyPairs: 'include' }), 2 * (5 / 8) - 1 / 2 - 1 / 2);
});

test('identical single sample and rater: GED 0 under both conventions', () => {
  for (const emptyPairs of ['exclude', 'include'] as const) close(ged([m(0, 1, 1)], [m(0, 1, 1)], { emptyPairs }), 0);
});

test('all masks empty: excluded → NaN (nanmean of nothing), included → 0', () => {
  const e = [m(0, 0), m(0, 0)];
  assert.ok(Number.isNaN(ged(e, e, { emptyPairs: 'exclude' })));
  assert.equal(ged(e, e, { emptyPairs: 'include' }), 0);
});

test('one empty sample: d(∅, Y) = 1; its ∅–∅ diagonal is dropped or scored d = 0', () => {
  // S = {∅, 100}, Y = {100}: d_SY = (1 + 0)/2, d_YY = 0;
  // d_SS excluded = (1 + 1 + 0)/3, included = (0 + 1 + 1 + 0)/4.
  const s = [m(0, 0, 0), m(1, 0, 0)];
  const y = [m(1, 0, 0)];
  close(ged(s, y, { emptyPairs: 'exclude' }), 1 - 2 / 3);
  close(ged(s, y, { emptyPairs: 'include' }), 1 - 1 / 2);
  // a lone empty sample leaves no S–S pair when excluded → NaN (Kohl's nanmean)
  assert.ok(Number.isNaN(ged([m(0, 0, 0)], y, { emptyPairs: 'exclude' })));
  close(ged([m(0, 0, 0)], y, { emptyPairs: 'include' }), 2);
});

test('the i = i′ diagonal is part of the S–S and Y–Y means', () => {
  // S = {10, 01}: IoU(S,S') = [[1,0],[0,1]] → d_SS = 1/2 (would be 1 without the diagonal)
  const s = [m(1, 0), m(0, 1)];
  const y = [m(1, 0)];
  // d_SY = (0 + 1)/2, d_YY = 0 → 2·1/2 − 1/2 − 0
  close(ged(s, y, { emptyPairs: 'exclude' }), 0.5);
});

test('sampleCount uses the first k samples only', () => {
  const s = [m(1, 0), m(0, 1), m(1, 1)];
  const y = [m(1, 0)];
  const p = pairwiseIou(s, y);
  close(gedFromPairwise(p, { emptyPairs: 'include', sampleCount: 2 }), ged(s.slice(0, 2), y, { emptyPairs: 'include' }));
  close(gedFromPairwise(p, { emptyPairs: 'include', sampleCount: 1 }), 0);
});

test('no samples or unequal sizes throw FlowsegInputError', () => {
  assert.throws(() => ged([], [m(1)], { emptyPairs: 'exclude' }), FlowsegInputError);
  assert.throws(() => ged([m(1, 0)], [m(1)], { emptyPairs: 'exclude' }), FlowsegInputError);
});

test('options are optional: ged(S, Y) is the excluded (Kohl) D²_GED', () => {
  close(ged(S, Y), 2 * (5 / 6) - 2 / 3 - 2 / 3);
  close(gedFromPairwise(pairwiseIou(S, Y)), ged(S, Y, { emptyPairs: 'exclude' }));
});
