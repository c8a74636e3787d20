import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PriorNoiseStream, priorNoise } from './noise.js';

// First six values for seeds 0 and 7, float32, from an independent Python transcription of
// splitmix32 seeding + xoshiro128** + Box–Muller (cos first, then sin); see the commit message.
const GOLDEN: Record<number, number[]> = {
  0: [-0.18286387622356415, 2.079594373703003, -0.07349541038274765, -0.14037568867206573, -0.25629299879074097, -0.020961470901966095],
  7: [-0.7277058959007263, -0.05604081600904465, 0.5095171332359314, 0.965465247631073, -1.2736530303955078, 0.2137935906648636],
};

test('priorNoise: the seeded values equal an independent reference (Python) bit for bit', () => {
  for (const [seed, values] of Object.entries(GOLDEN)) assert.deepEqual(Array.from(priorNoise(2, 3, Number(seed))), values, `seed ${seed}`);
});

test('priorNoise: same seed same ε, another seed another ε; the first rows do not depend on n', () => {
  assert.deepEqual(priorNoise(4, 6, 3), priorNoise(4, 6, 3));
  assert.notDeepEqual(priorNoise(4, 6, 3), priorNoise(4, 6, 4));
  assert.deepEqual(priorNoise(16, 6, 3).subarray(0, 4 * 6), priorNoise(4, 6, 3));
  assert.equal(priorNoise(0, 6, 1).length, 0);
  assert.throws(() => priorNoise(1.5, 6, 1), RangeError);
});

test('priorNoise: standard normal moments and tails', () => {
  const e = priorNoise(20_000, 5, 11);
  const mean = e.reduce((s, v) => s + v, 0) / e.length;
  const variance = e.reduce((s, v) => s + (v - mean) ** 2, 0) / e.length;
  const beyond2 = e.filter((v) => Math.abs(v) > 2).length / e.length; // 4.55 % for N(0, 1)
  assert.ok(Math.abs(mean) < 0.01, `mean ${mean}`);
  assert.ok(Math.abs(variance - 1) < 0.02, `variance ${variance}`);
  assert.ok(Math.abs(beyond2 - 0.0455) < 0.004, `P(|ε| > 2) = ${beyond2}`);
});

test('priorNoise is engine-free: the module imports nothing from the tensor engine or Node', () => {
  for (const file of ['noise.js', '../util/rng.js']) {
    const src = readFileSync(fileURLToPath(new URL(file, import.meta.url)), 'utf8');
    assert.deepEqual(src.match(/from '[^']+'/g)?.filter((m) => m.includes('tensor') || m.includes('node:')) ?? [], [], file);
  }
});

test('PriorNoiseStream: image k continues image k−1, so the first image gets priorNoise(n, L, seed), whatever the batching', () => {
  const stream = new PriorNoiseStream(9);
  const images = [stream.next(5, 3), stream.next(5, 3), stream.next(5, 3)]; // 15 normals each: odd, so a Box–Muller spare carries over
  assert.deepEqual(images[0], priorNoise(5, 3, 9));
  assert.deepEqual(Float32Array.from(images.flatMap((e) => Array.from(e))), priorNoise(15, 3, 9));
  assert.notDeepEqual(images[1], images[0]);
});
