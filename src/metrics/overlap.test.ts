import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FlowsegInputError } from '../util/errors.js';
import { dice, iou } from './overlap.js';

const m = (...bits: number[]): Uint8Array => Uint8Array.from(bits);
const exclude = { emptyPairs: 'exclude' } as const;
const include = { emptyPairs: 'include' } as const;

test('iou and dice by hand: |a∩b| = 1, |a| = 2, |b| = 2', () => {
  const a = m(1, 1, 0, 0);
  const b = m(0, 1, 1, 0);
  assert.equal(iou(a, b, exclude), 1 / 3);
  assert.equal(dice(a, b, exclude), 2 / 4);
});

test('identical and disjoint masks', () => {
  assert.equal(iou(m(1, 0, 1), m(1, 0, 1), exclude), 1);
  assert.equal(dice(m(1, 0, 1), m(1, 0, 1), exclude), 1);
  assert.equal(iou(m(1, 0, 0), m(0, 0, 1), include), 0);
  assert.equal(dice(m(1, 0, 0), m(0, 0, 1), include), 0);
});

test('two empty masks: NaN when excluded, 1 when included', () => {
  const e = m(0, 0, 0, 0);
  assert.ok(Number.isNaN(iou(e, e, exclude)));
  assert.ok(Number.isNaN(dice(e, m(0, 0, 0, 0), exclude)));
  assert.equal(iou(e, e, include), 1);
  assert.equal(dice(e, e, include), 1);
});

test('one empty mask scores 0 under both conventions', () => {
  for (const opt of [exclude, include]) {
    assert.equal(iou(m(0, 0, 0), m(0, 1, 1), opt), 0);
    assert.equal(dice(m(1, 0, 0), m(0, 0, 0), opt), 0);
  }
});

test('nonzero bytes (e.g. 255 from a PNG) count as foreground', () => {
  assert.equal(iou(m(255, 255, 0), m(1, 0, 0), exclude), 1 / 2);
});

test('unequal lengths throw a FlowsegInputError naming both lengths', () => {
  assert.throws(
    () => iou(m(1, 0), m(1, 0, 0), exclude),
    (err: unknown) => {
      assert.ok(err instanceof FlowsegInputError);
      assert.match(err.message, /2.*3/);
      return true;
    },
  );
  assert.throws(() => dice(m(1), m(1, 0), include), FlowsegInputError);
});

test('options are optional: iou(a, b) and dice(a, b) score two empty masks 1 (emptyPairs "include")', () => {
  assert.equal(iou(m(1, 1, 0, 0), m(0, 1, 1, 0)), 1 / 3);
  assert.equal(dice(m(1, 1, 0, 0), m(0, 1, 1, 0)), 1 / 2);
  assert.equal(iou(m(0, 0), m(0, 0)), 1);
  assert.equal(dice(m(0, 0), m(0, 0), {}), 1);
  assert.equal(iou(m(0, 0), m(0, 1)), 0); // one empty mask: no overlap, whatever the convention
});
