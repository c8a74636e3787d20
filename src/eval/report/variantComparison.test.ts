import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunRecord } from './record.js';
import { comparisonOf, compareVariants, significantBest } from './variantComparison.js';
import { boldColumns, pairedTestTables } from './pairedTables.js';
import { METRICS, type VariantRow } from './aggregate.js';

/** A run whose per-image rows hold `ged_incl` values (and ged_excl null where given as null). */
const run = (variant: string, values: Record<string, number | null>, key = 'ged_incl'): RunRecord =>
  ({ variant, perImage: Object.entries(values).map(([id, v]) => ({ id, [key]: v })) }) as unknown as RunRecord;

const near = (got: number | null | undefined, want: number, what: string): void =>
  assert.ok(typeof got === 'number' && Math.abs(got - want) < 1e-12, `${what}: ${got} vs ${want}`);

test('pairs by image id (any order), a − b; pairs missing a value are dropped', () => {
  const a = run('a', { i1: 0.1, i2: 0.2, i3: 0.3, i4: 0.4 });
  const b = run('b', { i4: 0.5, i3: 0.5, i2: 0.3, i1: 0.2 });
  const c = compareVariants([
    { variant: 'a', runs: [a] },
    { variant: 'b', runs: [b] },
  ]);
  assert.equal(c.compared.length, 1);
  assert.deepEqual(c.metrics, ['ged_incl']);
  const m = c.compared[0]?.metrics.ged_incl;
  // differences −0.1, −0.1, −0.2, −0.1: mean −0.125
  near(m?.meanDifference, -0.125, 'mean difference');
  assert.equal(m?.n, 4);
  // one pair: Holm leaves p as it is
  assert.equal(m?.tTestPHolm, m?.tTestP);
  // b − a is the same test mirrored
  const back = comparisonOf(c, 'b', 'a', 'ged_incl');
  near(back?.meanDifference, 0.125, 'mirrored mean');
  assert.deepEqual(back?.ci95, m?.ci95 ? [-m.ci95[1], -m.ci95[0]] : null);
});

test('an image a variant tested in two runs counts once, at the mean of the runs', () => {
  const a = [run('a', { i1: 0.1, i2: 0.3 }), run('a', { i1: 0.3, i2: 0.5, i3: 0.2 })]; // i1 0.2, i2 0.4, i3 0.2
  const b = [run('b', { i1: 0.25, i2: 0.5, i3: 0.4 })];
  const m = compareVariants([
    { variant: 'a', runs: a },
    { variant: 'b', runs: b },
  ]).compared[0]?.metrics.ged_incl;
  near(m?.meanDifference, (-0.05 - 0.1 - 0.2) / 3, 'mean of −0.05, −0.1, −0.2');
});

test('variants on different images are not compared, and say why', () => {
  const c = compareVariants([
    { variant: 'a', runs: [run('a', { i1: 0.1, i2: 0.2 })] },
    { variant: 'b', runs: [run('b', { i1: 0.1, i3: 0.2 })] },
    { variant: 'c', runs: [{ variant: 'c' } as unknown as RunRecord] },
  ]);
  assert.equal(c.compared.length, 0);
  assert.deepEqual(
    c.skipped.map((s) => `${s.a}/${s.b}: ${s.reason}`),
    [
      'a/b: evaluated on different test images (2 and 2, 1 in common)',
      'a/c: no per-image results (per_image.json) for c',
      'b/c: no per-image results (per_image.json) for c',
    ],
  );
});

test('three variants: Holm over the three pairs; the best is bold only when it beats both others', () => {
  const ids = Array.from({ length: 12 }, (_, i) => `i${i}`);
  const noise = (i: number): number => [0.01, -0.01, 0.005, -0.005][i % 4] as number; // mean 0 over every 4 images
  const base = (i: number): number => 0.4 + 0.05 * Math.cos(i);
  const groups = [
    { variant: 'vanilla', runs: [run('vanilla', Object.fromEntries(ids.map((id, i) => [id, base(i)])))] },
    { variant: 'planar', runs: [run('planar', Object.fromEntries(ids.map((id, i) => [id, base(i) - 0.05 + noise(i)])))] },
    { variant: 'radial', runs: [run('radial', Object.fromEntries(ids.map((id, i) => [id, base(i) - 0.049 + noise(i + 1)])))] },
  ];
  const c = compareVariants(groups);
  assert.equal(c.compared.length, 3);
  const ps = c.compared.map((p) => p.metrics.ged_incl?.tTestP as number);
  const adjusted = c.compared.map((p) => p.metrics.ged_incl?.tTestPHolm as number);
  // Holm by hand from the raw p-values
  const order = [0, 1, 2].sort((x, y) => (ps[x] as number) - (ps[y] as number));
  let running = 0;
  order.forEach((i, k) => {
    running = Math.max(running, Math.min(1, (3 - k) * (ps[i] as number)));
    near(adjusted[i], running, `Holm of pair ${i}`);
  });
  const means = groups.map((g) => ({
    variant: g.variant,
    mean: (g.runs[0]?.perImage ?? []).reduce((s, r) => s + ((r as Record<string, number>).ged_incl as number), 0) / 12,
  }));
  // planar and radial differ by ~0.001: planar has the lowest mean but does not beat radial
  assert.deepEqual(significantBest(c, means, 'ged_incl', 'lower'), { tested: true, best: null });
  // without radial, planar beats vanilla by 0.05 on every image
  const two = compareVariants(groups.slice(0, 2));
  assert.deepEqual(significantBest(two, means.slice(0, 2), 'ged_incl', 'lower'), { tested: true, best: 'planar' });
  // HM-IoU-like direction: higher is better, so vanilla is the best and beats planar
  assert.deepEqual(significantBest(two, means.slice(0, 2), 'ged_incl', 'higher'), { tested: true, best: 'vanilla' });
  // Table 1 bold and the per-metric table
  const metric = METRICS.find((m) => m.key === 'ged_incl');
  assert.ok(metric);
  const rows = means.slice(0, 2).map((m) => ({ variant: m.variant, metrics: { ged_incl: { mean: m.mean, std: null, n: 1 } } })) as unknown as VariantRow[];
  const bold = boldColumns(rows, [metric], two);
  assert.deepEqual([bold.isBold('planar', metric), bold.isBold('vanilla', metric)], [true, false]);
  assert.match(bold.note, /Bold in GED \(incl\): the best mean where a paired t-test/);
  const [table] = pairedTestTables(two);
  assert.equal(table?.table.rows[0]?.[0], 'vanilla − planar');
  assert.equal(table?.table.rows[0]?.[2], '+0.0500'); // differences 0.05 − noise, noise of mean 0
  assert.equal(table?.table.rows[0]?.[8], 'planar (significant)');
});

test('without a paired test the column falls back to the best mean, and the note says so', () => {
  const metric = METRICS.find((m) => m.key === 'hm_iou');
  assert.ok(metric);
  const rows = [
    { variant: 'a', metrics: { hm_iou: { mean: 0.5, std: null, n: 1 } } },
    { variant: 'b', metrics: { hm_iou: { mean: 0.4, std: null, n: 1 } } },
  ] as unknown as VariantRow[];
  const bold = boldColumns(rows, [metric], { compared: [], skipped: [], metrics: [] });
  assert.deepEqual([bold.isBold('a', metric), bold.isBold('b', metric)], [true, false]);
  assert.match(bold.note, /Bold in HM-IoU: the best mean \(no paired test/);
});
