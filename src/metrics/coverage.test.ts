import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bestIouPerRater, raterCoverage } from './coverage.js';
import { pairwiseIou } from './pairwise.js';

const m = (...bits: number[]): Uint8Array => Uint8Array.from(bits);
const S0 = m(1, 1, 0, 0);
const S1 = m(0, 0, 1, 0);
const EMPTY = m(0, 0, 0, 0);
const Y0 = m(1, 0, 0, 0); // IoU with S0 = 1/2, with S1 = 0
const Y1 = m(0, 1, 1, 1); // IoU with S0 = 1/4, with S1 = 1/3

test('best IoU per rater, by hand, with an empty sample and an empty rater (include: ∅∅ = 1)', () => {
  const best = bestIouPerRater(pairwiseIou([S0, S1, EMPTY], [Y0, Y1, EMPTY]));
  assert.deepEqual([...best], [1 / 2, 1 / 3, 1]);
  const c = raterCoverage(best);
  assert.equal(c.raters, 3);
  assert.ok(Math.abs(c.meanBestIou - (1 / 2 + 1 / 3 + 1) / 3) < 1e-15);
  assert.equal(c.matchedShare, 2 / 3); // 1/2 ≥ 0.5 and 1 match; 1/3 does not
  assert.equal(raterCoverage(best, 0.3).matchedShare, 1);
});

test('empty rater masks under both conventions (consistent with GED excl/incl)', () => {
  // some sample draws foreground, none is empty: 0 under both conventions
  assert.deepEqual([...bestIouPerRater(pairwiseIou([S0, S1], [EMPTY]))], [0]);
  assert.deepEqual([...bestIouPerRater(pairwiseIou([S0, S1], [EMPTY]), { emptyPairs: 'exclude' })], [0]);
  // an empty sample beside them: covered (1) when ∅∅ counts, 0 when the ∅∅ pair is dropped
  assert.deepEqual([...bestIouPerRater(pairwiseIou([S0, EMPTY], [EMPTY]), { emptyPairs: 'exclude' })], [0]);
  // every sample empty: 1 (include) or undefined (exclude), which the summary leaves out
  const allEmpty = pairwiseIou([EMPTY, EMPTY], [Y0, EMPTY]);
  assert.deepEqual([...bestIouPerRater(allEmpty)], [0, 1]);
  const excl = bestIouPerRater(allEmpty, { emptyPairs: 'exclude' });
  assert.equal(excl[0], 0);
  assert.ok(Number.isNaN(excl[1] as number));
  assert.deepEqual(raterCoverage(excl), { raters: 1, meanBestIou: 0, matchedShare: 0 });
  const none = raterCoverage([Number.NaN]);
  assert.equal(none.raters, 0);
  assert.ok(Number.isNaN(none.meanBestIou) && Number.isNaN(none.matchedShare));
});
