import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CalibrationAccumulator } from './calibrationAccumulator.js';

test('the accumulator sums images: two images of two pixels, by hand', () => {
  const acc = new CalibrationAccumulator();
  assert.deepEqual([acc.record().ece, acc.record().brier], [null, null]);
  // image 1: samples (0.25, 0.5) and (0.75, 1) → p̄ = (0.5, 0.75); raters (1, 0), (0, 0) → t = (0.5, 0)
  acc.add([Float32Array.from([0.25, 0.5]), Float32Array.from([0.75, 1])], [Uint8Array.from([1, 0]), Uint8Array.from([0, 0])]);
  // image 2: one sample p̄ = (0, 1); one rater t = (0, 1)
  acc.add([Float32Array.from([0, 1])], [Uint8Array.from([0, 1])]);
  const r = acc.record();
  assert.deepEqual(r.count, [1, 0, 0, 0, 0, 1, 0, 1, 0, 1]);
  assert.deepEqual([r.sumProbability[5], r.sumTarget[5], r.sumProbability[7], r.sumTarget[7], r.sumProbability[9], r.sumTarget[9]], [0.5, 0.5, 0.75, 0, 1, 1]);
  assert.equal(r.ece, 0.75 / 4); // only bin 7 is off, by 0.75, for 1 of 4 pixels
  assert.equal(r.brier, 0.5625 / 4);
  assert.ok(JSON.stringify(r).includes('"sumSquaredError":0.5625'));
});
