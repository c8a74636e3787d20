// `flowseg evaluate` on both engines: a tiny trained run and its ONNX export give the same
// per-image metrics for the same seed, and the ONNX process never maps libtorch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runCli } from '../testing/cli.js';
import { calibrateRun, trainTinyRun, writeTestPng } from '../testing/tinyRun.js';
import type { ImageMetrics } from '../eval/imageMetrics.js';

const MASK_METRICS = ['ged_excl', 'ged_incl', 'hm_iou', 'iou', 'dice', 'empty_samples', 'empty_raters', 'rater_disagreement'] as const;
const MAP_METRICS = ['cll', 'ncc', 'prior_sigma'] as const;

// Loaded with `node --import`: records at exit whether the process mapped libtorch.
const MAPS_HOOK = `import { readFileSync, writeFileSync } from 'node:fs';
process.on('exit', () => writeFileSync(process.env.MAPS_OUT, String(/libtorch|libc10\\.so|flowseg_native/.test(readFileSync('/proc/self/maps', 'utf8')))));
`;

test('evaluate: --engine onnx (--run) gives the torch engine’s metrics for the same seed — masks exactly, −CLL/NCC/σ to 1e-5 — without libtorch', async () => {
  const run = trainTinyRun('probunet', 'planar', 6);
  const dir = dirname(run);
  try {
    writeTestPng(join(dir, 'scan.png'), 16);
    await calibrateRun(run, join(dir, 'scan.png')); // about half the pixels foreground: masks that can differ
    writeFileSync(join(dir, 'maps-hook.mjs'), MAPS_HOOK);
    const cli = (args: string[], hook = false): string => {
      const pre = hook ? ['--import', join(dir, 'maps-hook.mjs')] : [];
      const r = runCli(args, { nodeArgs: pre, env: { ...process.env, MAPS_OUT: join(dir, 'maps.txt') } });
      assert.equal(r.status, 0, `flowseg ${args.join(' ')}: ${r.stderr}`);
      return r.stdout;
    };
    const common = ['-n', '8', '--seed', '4', '--examples', '1', '--json'];
    const torch = JSON.parse(cli(['evaluate', '--checkpoint', run, '--out', join(dir, 'torch'), ...common]));
    cli(['export', '--checkpoint', run, '--out', join(dir, 'model.onnx')]);
    const onnx = JSON.parse(
      cli(['evaluate', '--engine', 'onnx', '--checkpoint', join(dir, 'model.onnx'), '--run', run, '--out', join(dir, 'onnx'), ...common], true),
    );
    assert.equal(readFileSync(join(dir, 'maps.txt'), 'utf8'), 'false', 'evaluate --engine onnx never maps libtorch');

    const rows = (e: string): ImageMetrics[] => JSON.parse(readFileSync(join(dir, e, 'per_image.json'), 'utf8'));
    const [a, b] = [rows('torch'), rows('onnx')];
    assert.ok(a.length >= 2, `${a.length} test images`);
    assert.deepEqual(
      b.map((r) => r.id),
      a.map((r) => r.id),
      'the same test images (the run’s split.json)',
    );
    assert.ok(
      a.some((r) => r.empty_samples < 1 && r.hm_iou < 1),
      'the samples are neither all empty nor perfect, so equal masks mean something',
    );
    let worst = 0;
    for (const [i, r] of a.entries()) {
      const o = b[i] as ImageMetrics;
      for (const k of MASK_METRICS) assert.ok(Object.is(r[k], o[k]), `${r.id} ${k}: torch ${r[k]} vs onnx ${o[k]}`);
      for (const k of MAP_METRICS) {
        const d = Math.abs(r[k] - o[k]) / Math.max(1, Math.abs(r[k]));
        worst = Math.max(worst, d);
        assert.ok(d <= 1e-5, `${r.id} ${k}: torch ${r[k]} vs onnx ${o[k]}`);
      }
    }
    console.log(`${a.length} images × 8 samples: mask metrics identical; −CLL/NCC/σ differ by ≤ ${worst.toExponential(2)} (relative)`);
    for (const k of ['ged_excl', 'ged_incl', 'hm_iou', 'dice'] as const) assert.equal(onnx[k].mean, torch[k].mean, `summary ${k}`);
    assert.deepEqual(onnx.model, { engine: 'onnx', file: join(dir, 'model.onnx'), variant: 'probunet+planar2' });
    assert.equal(onnx.dataset.split, 'test');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
