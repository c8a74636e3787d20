import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  brierScore,
  calibrationBins,
  emptyCalibrationBins,
  expectedCalibrationError,
  imageCalibration,
  mergeCalibrationBins,
  reliabilityCurve,
} from './calibration.js';

const near = (got: number, want: number, what: string): void => assert.ok(Math.abs(got - want) < 1e-12, `${what}: ${got} vs ${want}`);

test('bins, ECE and Brier by hand: five pixels in bins 0, 1, 5, 9, 9 (p̄ = 1 falls in the last bin)', () => {
  const b = calibrationBins([0.05, 0.15, 0.95, 1, 0.5], [0, 0.25, 0.75, 1, 0.5]);
  assert.deepEqual(b.count, [1, 1, 0, 0, 0, 1, 0, 0, 0, 2]);
  // ECE = (|0.05 − 0| + |0.15 − 0.25| + |0.5 − 0.5| + |1.95 − 1.75|) / 5 = 0.35 / 5
  near(expectedCalibrationError(b), 0.07, 'ECE');
  // Brier = (0.05² + 0.1² + 0.2² + 0 + 0) / 5
  near(brierScore(b), 0.0105, 'Brier');
  const curve = reliabilityCurve(b);
  assert.deepEqual(
    curve.map((c) => c.pixels),
    [1, 1, 1, 2],
  );
  near(curve[3]?.probability as number, 0.975, 'last bin p̄');
  near(curve[3]?.target as number, 0.875, 'last bin t');
});

test('one image from its samples and raters: p̄ = mean of the samples, t = share of raters', () => {
  const samples = [Float32Array.from([0.25, 0.5, 0]), Float32Array.from([0.75, 1, 1])]; // p̄ = 0.5, 0.75, 0.5
  const raters = [Uint8Array.from([1, 0, 0]), Uint8Array.from([1, 1, 0]), Uint8Array.from([0, 0, 0]), Uint8Array.from([0, 1, 0])]; // t = 0.5, 0.5, 0
  const b = imageCalibration(samples, raters);
  assert.deepEqual(b.count, [0, 0, 0, 0, 0, 2, 0, 1, 0, 0]);
  assert.deepEqual([b.sumProbability[5], b.sumTarget[5], b.sumProbability[7], b.sumTarget[7]], [1, 0.5, 0.75, 0.5]);
  near(expectedCalibrationError(b), 0.75 / 3, 'ECE'); // (|1 − 0.5| + |0.75 − 0.5|) / 3
  near(brierScore(b), (0 + 0.0625 + 0.25) / 3, 'Brier');
});

test('merging images sums their bins: ECE of the union, not the mean of ECEs', () => {
  const a = calibrationBins([0.15], [0.25]); // bin 1, |0.15 − 0.25|
  const b = calibrationBins([0.12, 0.95], [0.12, 0.75]); // bin 1 calibrated; bin 9 off by 0.2
  const m = mergeCalibrationBins(a, b);
  assert.deepEqual(m.count, [0, 2, 0, 0, 0, 0, 0, 0, 0, 1]);
  // bin 1: |0.27 − 0.37| = 0.1; bin 9: 0.2 → 0.3 / 3 (the mean of the two images' ECEs would be (0.1 + 0.1) / 2)
  near(expectedCalibrationError(m), 0.1, 'ECE');
  near(brierScore(m), (0.01 + 0 + 0.04) / 3, 'Brier');
  assert.throws(() => mergeCalibrationBins(a, emptyCalibrationBins(5)), /10 and 5 bins/);
  assert.ok(Number.isNaN(expectedCalibrationError(emptyCalibrationBins())));
  assert.ok(Number.isNaN(brierScore(emptyCalibrationBins())));
});
