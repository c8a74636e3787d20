import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import { renderSampleGrid, sampleGridLayout } from './sampleGrid.js';
import { rasterizeSvgPixels, rasterizeSvgRegions, svgDocument } from './svg.js';
import { renderLinePlot } from './linePlot.js';
import { renderScatter } from './scatter.js';
import { FlowsegInputError } from '../../util/errors.js';

const OUT = '/tmp/flowseg-figures';

function distinctColours(png: PNG): number {
  const seen = new Set<number>();
  for (let i = 0; i < png.data.length; i += 4) seen.add(png.data.readUInt32BE(i));
  return seen.size;
}

function keep(name: string, buf: Buffer): PNG {
  mkdirSync(OUT, { recursive: true });
  writeFileSync(`${OUT}/${name}`, buf);
  return PNG.sync.read(buf);
}

function disk(H: number, W: number, cy: number, cx: number, r: number): Uint8Array {
  const m = new Uint8Array(H * W);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) if (Math.hypot(y - cy, x - cx) < r) m[y * W + x] = 1;
  return m;
}

function gridInput(H: number, W: number) {
  const image = new Float32Array(H * W).map((_, i) => 0.2 + 0.6 * (((i % W) + Math.floor(i / W)) / (H + W)));
  const raters = [disk(H, W, 16, 16, 6), disk(H, W, 16, 17, 8), new Uint8Array(H * W), disk(H, W, 15, 16, 5)];
  const samples = Array.from({ length: 16 }, (_, i) => disk(H, W, 16, 16, 3 + (i % 6)));
  const mean = new Float32Array(H * W);
  const std = new Float32Array(H * W);
  for (let i = 0; i < H * W; i++) {
    const p = samples.reduce((s, m) => s + m[i], 0) / samples.length;
    mean[i] = p;
    std[i] = Math.sqrt(p * (1 - p));
  }
  return { image, height: H, width: W, raters, samples, mean, std, title: 'synthetic image 0' };
}

test('renderSampleGrid: image, 4 raters, 16 samples, mean and std at 8× for 32×32 input', () => {
  const png = keep('grid.png', renderSampleGrid(gridInput(32, 32)));
  // Layout: 8 sample columns of 256 px + 10 px gaps + 16 px margins; 3 panel rows + title.
  assert.equal(png.width, 16 + 8 * 266 - 10 + 16);
  assert.equal(png.height, 936);
  assert.ok(distinctColours(png) > 50);
  // The mean panel (after image + 4 raters, 20 px section gap) shows viridis(1) where every sample is foreground.
  const x = 16 + 5 * 266 + 20 + 16 * 8 + 4;
  const y = 16 + 40 + 22 + 16 * 8 + 4;
  const i = (y * png.width + x) * 4;
  assert.deepEqual([...png.data.subarray(i, i + 3)], [253, 231, 37]);
  // Sample 0's panel starts exactly at (16, rowB + 22), rowB = 16 + 40 + 22 + 256 + 20: its corner is
  // the image (0.2 → 51 gray), the pixel left of it the white gap, and the disk's centre the blue
  // fill at α 0.45 over the image's 0.5 (128).
  const at = (px: number, py: number): number[] => [...png.data.subarray((py * png.width + px) * 4, (py * png.width + px) * 4 + 3)];
  const [sx, sy] = [16, 354 + 22];
  assert.deepEqual(at(sx, sy), [51, 51, 51]);
  assert.deepEqual(at(sx + 7, sy + 7), [51, 51, 51]);
  assert.deepEqual(at(sx - 1, sy), [255, 255, 255]);
  assert.deepEqual(at(sx + 16 * 8 + 4, sy + 16 * 8 + 4), [70, 160, 185]);
  // Labels are drawn: dark pixels above the panel, where "sample 0" is written.
  let dark = 0;
  for (let y = sy - 22; y < sy; y++) for (let x = sx; x < sx + 256; x++) if ((at(x, y)[0] as number) < 128) dark++;
  assert.ok(dark > 20, `label pixels above sample 0: ${dark}`);
});

test('renderSampleGrid accepts RGB [3,H,W] images and probability-map samples', () => {
  const g = gridInput(16, 16);
  const rgb = new Float32Array(3 * 16 * 16).fill(0.5);
  const probs = g.samples.map((m) => Float32Array.from(m, (v) => v * 0.8));
  const png = PNG.sync.read(renderSampleGrid({ ...g, image: rgb, samples: probs, title: undefined }));
  assert.ok(png.width > 8 * 16 * 16);
});

test('renderSampleGrid names the bad input', () => {
  const g = gridInput(16, 16);
  assert.throws(() => renderSampleGrid({ ...g, raters: [new Uint8Array(10)] }), /rater 1 has 10 values, expected 256/);
  assert.throws(() => renderSampleGrid({ ...g, image: new Float32Array(7) }), FlowsegInputError);
});

test('renderLinePlot: 720×420 logical at 2× with legend, NaN gaps and a log axis', () => {
  const pts = (a: number) => Array.from({ length: 30 }, (_, e): [number, number] => [e + 1, a / (e + 1) + 100]);
  const png = keep(
    'line.png',
    renderLinePlot({
      title: 'Training curves · probunet+planar2',
      xLabel: 'epoch',
      yLabel: 'loss',
      series: [
        { name: 'train', points: pts(5000) },
        { name: 'validation', points: [...pts(6000).slice(0, 10), [11, Number.NaN], ...pts(6000).slice(11)], dashed: true },
      ],
      yScale: 'log',
    }),
  );
  assert.equal(png.width, 1440);
  assert.equal(png.height, 840);
  assert.ok(distinctColours(png) > 20);
  const empty = PNG.sync.read(renderLinePlot({ title: 'empty', xLabel: 'x', yLabel: 'y', series: [] }));
  assert.equal(empty.width, 1440);
});

test('renderScatter: 640×480 logical at 2×, annotation and trend line', () => {
  const points = Array.from({ length: 300 }, (_, i): [number, number] => [i / 300, (i / 300) * 0.5 + 0.1 * Math.sin(i)]);
  const png = keep(
    'scatter.png',
    renderScatter({
      title: 'Prior σ vs rater disagreement',
      xLabel: 'prior σ',
      yLabel: 'rater disagreement',
      points,
      annotation: 'Pearson r = 0.83 (n = 300)',
      trendLine: true,
    }),
  );
  assert.equal(png.width, 1280);
  assert.equal(png.height, 960);
  assert.ok(distinctColours(png) > 20);
});

test('renderSampleGrid draws its text bands with the same pixels as rasterizing the whole figure', () => {
  for (const g of [gridInput(32, 32), { ...gridInput(32, 32), title: undefined, samples: [] }]) {
    const { width, height, regions } = sampleGridLayout(g);
    const unique = [...new Set(regions.flatMap((r) => r.elements))];
    const whole = rasterizeSvgPixels(svgDocument(width, height, unique.join(''))); // [height, width, 4]
    const bands = rasterizeSvgRegions(width, height, regions); // [height, width, 3]
    let differ = 0;
    let worst = 0;
    for (let p = 0; p < width * height; p++) {
      for (let c = 0; c < 3; c++) {
        const d = Math.abs((whole[p * 4 + c] as number) - (bands[p * 3 + c] as number));
        worst = Math.max(worst, d);
        if (d > 0) differ++;
      }
    }
    assert.ok(
      bands.some((v) => v < 128),
      'dark text pixels are drawn',
    );
    assert.equal(differ, 0, `${differ} values differ, by up to ${worst} levels`);
    assert.ok(unique.length >= 9, 'the figure has its labels and bars');
  }
});
