import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FlowsegInputError } from './errors.js';
import { LIMITS, checkLimit, checkPixels, limit } from './limits.js';

function withEnv(name: string, value: string | undefined, fn: () => void): void {
  const old = process.env[name];
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
  try {
    fn();
  } finally {
    if (old === undefined) delete process.env[name];
    else process.env[name] = old;
  }
}

test('defaults leave real data (Kvasir 1920×1080, 512×512×600 CT, LIDC 4 raters) below every limit', () => {
  withEnv('FLOWSEG_MAX_PIXELS', undefined, () => {
    assert.ok(limit('maxPixels') >= 1920 * 1080);
    assert.ok(limit('maxVoxels') >= 512 * 512 * 600);
    assert.ok(limit('maxDecompressedBytes') >= 512 * 512 * 600 * 8); // float64 CT volume
    assert.ok(limit('maxRaters') >= 4);
    assert.ok(limit('maxSamples') >= 100);
  });
});

test('an environment variable overrides a limit; junk values are refused naming the variable', () => {
  withEnv('FLOWSEG_MAX_PIXELS', '1_000', () => {
    assert.equal(limit('maxPixels'), 1000);
    assert.doesNotThrow(() => checkPixels(10, 100, 'a.png'));
    assert.throws(() => checkPixels(10, 101, 'a.png'), /a\.png: image is 10×101 = 1,010 pixels.*limit is 1,000 pixels per image \(set FLOWSEG_MAX_PIXELS/);
  });
  withEnv('FLOWSEG_MAX_RATERS', '-3', () => {
    assert.throws(
      () => limit('maxRaters'),
      (e: unknown) => e instanceof FlowsegInputError && /FLOWSEG_MAX_RATERS=-3 is not a positive integer/.test(e.message),
    );
  });
  assert.equal(LIMITS.maxRaters.env, 'FLOWSEG_MAX_RATERS');
});

test('checkLimit refuses NaN and non-integer sizes instead of letting them through', () => {
  assert.throws(() => checkLimit('maxRaters', Number.NaN, 'x'), FlowsegInputError);
  assert.throws(() => checkPixels(-1, 5, 'b.png'), /not a pair of non-negative integers/);
  assert.throws(() => checkPixels(1.5, 5, 'b.png'), /not a pair/);
});
