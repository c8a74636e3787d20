// Compares src/metrics against the numpy/scipy reference (scripts/golden/metrics_golden.py).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { entropyMap, meanMap, stdMap } from './maps.js';
import { ncc } from './ncc.js';
import { maskLogLikelihood, negCll } from './cll.js';
import { dice, iou } from './overlap.js';
import { ged } from './ged.js';
import { hungarianIou } from './hungarian.js';
import { sampleSetMetrics } from './sampleSet.js';

interface GoldenImage {
  kind: string;
  probsPermille: string[];
  raters: string[];
  gedExcl: number | null;
  gedIncl: number | null;
  hmIou: number | null;
  iou: number | null;
  dice: number | null;
  ncc: number | null;
  negCll: number | null;
  meanMap?: number[];
  stdMap?: number[];
  entropyMap?: number[];
}

// dist/src/metrics → src/metrics/golden (the JSON is not compiled)
const path = fileURLToPath(new URL('../../../src/metrics/golden/metrics_golden.json', import.meta.url));
const golden = JSON.parse(readFileSync(path, 'utf8')) as { images: GoldenImage[] };

function expectClose(got: number, want: number | null, what: string): void {
  if (want === null) {
    assert.ok(Number.isNaN(got), `${what}: expected NaN, got ${got}`);
    return;
  }
  assert.ok(Math.abs(got - want) <= 1e-6 * Math.max(1, Math.abs(want)), `${what}: ${got} vs golden ${want}`);
}

function decode(img: GoldenImage): { probs: Float64Array[]; samples: Uint8Array[]; raters: Uint8Array[] } {
  const probs = img.probsPermille.map((s) => Float64Array.from({ length: s.length / 3 }, (_, k) => Number(s.slice(3 * k, 3 * k + 3)) / 1000));
  const samples = probs.map((p) => Uint8Array.from(p, (v) => (v > 0.5 ? 1 : 0)));
  const raters = img.raters.map((s) => Uint8Array.from(s, (c) => (c === '1' ? 1 : 0)));
  return { probs, samples, raters };
}

for (const img of golden.images) {
  test(`golden ${img.kind}: GED (excl/incl), HM-IoU, IoU, Dice, NCC, −CLL`, () => {
    const { probs, samples, raters } = decode(img);
    const all = sampleSetMetrics(samples, raters);
    expectClose(all.gedExcl, img.gedExcl, 'gedExcl');
    expectClose(all.gedIncl, img.gedIncl, 'gedIncl');
    expectClose(all.hmIou, img.hmIou, 'hmIou');
    expectClose(all.iou, img.iou, 'iou');
    expectClose(all.dice, img.dice, 'dice');
    expectClose(ged(samples, raters, { emptyPairs: 'exclude' }), img.gedExcl, 'ged exclude');
    expectClose(ged(samples, raters, { emptyPairs: 'include' }), img.gedIncl, 'ged include');
    expectClose(hungarianIou(samples, raters), img.hmIou, 'hungarianIou');
    let iouSum = 0;
    let diceSum = 0;
    for (const s of samples) {
      for (const y of raters) {
        iouSum += iou(s, y, { emptyPairs: 'include' });
        diceSum += dice(s, y, { emptyPairs: 'include' });
      }
    }
    expectClose(iouSum / (samples.length * raters.length), img.iou, 'iou (pairwise function)');
    expectClose(diceSum / (samples.length * raters.length), img.dice, 'dice (pairwise function)');
    expectClose(ncc(probs, raters), img.ncc, 'ncc');
    const cll = raters.map((y) => negCll(probs.map((p) => maskLogLikelihood(p, y))));
    expectClose(cll.reduce((a, b) => a + b) / cll.length, img.negCll, 'negCll');
    const maps = [
      [meanMap(probs), img.meanMap],
      [stdMap(probs), img.stdMap],
      [entropyMap(probs), img.entropyMap],
    ] as const;
    for (const [got, want] of maps) {
      if (want === undefined) continue;
      assert.equal(got.length, want.length);
      for (let k = 0; k < want.length; k++) expectClose(got[k], want[k], `map pixel ${k}`);
    }
  });
}
