import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AUTO_CLIP_FACTOR, AUTO_CLIP_MIN_HISTORY, AUTO_CLIP_WINDOW, GradClipPolicy } from './gradClipPolicy.js';

test('gradClip: a number is a fixed limit, null never clips, and neither keeps history', () => {
  const fixed = new GradClipPolicy(5);
  const none = new GradClipPolicy(null);
  for (let i = 0; i < 50; i++) {
    fixed.observe(100);
    none.observe(100);
  }
  assert.equal(fixed.limit(), 5);
  assert.equal(none.limit(), null);
  assert.deepEqual(fixed.history(), []);
});

test('gradClip auto: no limit before 20 norms, then 4 × the median of the window (hand-computed)', () => {
  const p = new GradClipPolicy('auto');
  for (let i = 1; i < AUTO_CLIP_MIN_HISTORY; i++) p.observe(i);
  assert.equal(p.limit(), null, '19 norms: not yet');
  p.observe(20); // norms 1..20: median (10 + 11) / 2 = 10.5
  assert.equal(p.limit(), AUTO_CLIP_FACTOR * 10.5);
  assert.equal(AUTO_CLIP_FACTOR, 4);
  p.observe(Number.NaN);
  p.observe(Number.POSITIVE_INFINITY);
  assert.equal(p.limit(), 42, 'non-finite norms are not history');
  p.observe(1000); // 1..20, 1000: 21 norms, median 11 — one spike barely moves the limit
  assert.equal(p.limit(), 44);
});

test('gradClip auto: the window keeps the last 100 norms, and a policy built from the history continues the same', () => {
  const p = new GradClipPolicy('auto');
  for (let i = 0; i < 150; i++) p.observe(i < 50 ? 1000 : 2); // the first 50 (1000) leave the window
  assert.equal(p.history().length, AUTO_CLIP_WINDOW);
  assert.equal(p.limit(), 8);
  const resumed = new GradClipPolicy('auto', p.history());
  resumed.observe(3);
  p.observe(3);
  assert.deepEqual(resumed.history(), p.history());
  assert.equal(resumed.limit(), p.limit());
});
