import { test } from 'node:test';
import assert from 'node:assert/strict';
import { smooth } from './comparison.js';
import { linePlotSvg } from '../render/linePlot.js';

test('smooth: a trailing moving mean, skipping non-finite values', () => {
  assert.deepEqual(
    smooth(
      [
        [1, 2],
        [2, 4],
        [3, Number.NaN],
        [4, 6],
        [5, 8],
      ],
      2,
    ),
    [
      [1, 2],
      [2, 3],
      [4, 5],
      [5, 7],
    ],
  );
});

test('line plot: a log x axis ticks at powers of 2 and places them evenly; a band is a filled path', () => {
  const svg = linePlotSvg({
    title: 't',
    xLabel: 'samples',
    yLabel: 'GED',
    xScale: 'log',
    series: [
      {
        name: 'a',
        points: [
          [1, 0.5],
          [16, 0.3],
        ],
        band: [
          [1, 0.4, 0.6],
          [16, 0.2, 0.4],
        ],
      },
    ],
  });
  const ticks = [...svg.matchAll(/<text x="([\d.]+)" y="[\d.]+"[^>]*text-anchor="middle"[^>]*>(\d+)<\/text>/g)].map((m) => [Number(m[1]), m[2]] as const);
  assert.deepEqual(
    ticks.map((t) => t[1]),
    ['1', '2', '4', '8', '16'],
  );
  const gaps = ticks.slice(1).map((t, i) => t[0] - ticks[i][0]);
  for (const g of gaps) assert.ok(Math.abs(g - gaps[0]) < 0.6, `uneven log ticks ${gaps}`);
  assert.match(svg, /fill-opacity="0.14"/);
});
