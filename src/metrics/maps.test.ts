import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FlowsegInputError } from '../util/errors.js';
import { entropyMap, meanMap, stdMap } from './maps.js';

const close = (a: number, b: number, tol = 1e-6): void => assert.ok(Math.abs(a - b) < tol, `${a} ≉ ${b}`);

test('binary masks: mean = vote fraction, std = √(p(1−p)), entropy of a tie = ln 2', () => {
  const s = [Uint8Array.from([1, 0, 0, 1]), Uint8Array.from([0, 0, 0, 1]), Uint8Array.from([1, 1, 0, 1])];
  const mean = meanMap(s);
  const std = stdMap(s);
  [2 / 3, 1 / 3, 0, 1].forEach((p, k) => {
    close(mean[k], p);
    close(std[k], Math.sqrt(p * (1 - p)));
  });
  const h = entropyMap([Uint8Array.from([1, 0, 1]), Uint8Array.from([0, 0, 1])]);
  close(h[0], Math.LN2);
  assert.equal(h[1], 0);
  assert.equal(h[2], 0);
});

test('probability maps: mean, population std (ddof 0) and binary entropy of the mean', () => {
  const s = [Float32Array.from([0.2, 0.9]), Float32Array.from([0.6, 0.5])];
  const mean = meanMap(s);
  close(mean[0], 0.4);
  close(mean[1], 0.7);
  const std = stdMap(s);
  close(std[0], 0.2);
  close(std[1], 0.2);
  const h = entropyMap(s);
  close(h[0], -(0.4 * Math.log(0.4) + 0.6 * Math.log(0.6)));
});

test('maps reject unequal sizes', () => {
  assert.throws(() => meanMap([new Float32Array(2), new Float32Array(3)]), FlowsegInputError);
  assert.throws(() => stdMap([]), FlowsegInputError);
});
