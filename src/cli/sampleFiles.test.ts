import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { parseNpyHeader } from '../data/npzFormat.js';
import { writeSamples } from './sampleFiles.js';

test('writeSamples: label PNGs, mean/std/entropy .npy and samples.json numbered from 0', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fs-samples-'));
  const probs = [Float32Array.from([0.9, 0.1, 0.6, 0.2]), Float32Array.from([0.8, 0.3, 0.4, 0.2])];
  const masks = probs.map((p) => Uint8Array.from(p, (v) => (v > 0.5 ? 1 : 0)));
  const mean = Float32Array.from([0.85, 0.2, 0.5, 0.2]);
  const std = Float32Array.from([0.05, 0.1, 0.1, 0]);
  writeSamples(
    join(dir, 'out'),
    { height: 2, width: 2, image: new Float32Array(4), probs, masks, mean, std, priorMu: [0], priorSigma: [1] },
    { image: 'x.png' },
  );
  const files = readdirSync(join(dir, 'out')).filter((f) => !f.startsWith('.'));
  for (const f of ['sample-00.png', 'sample-01.png', 'mean.npy', 'std.npy', 'entropy.npy', 'mean.png', 'std.png', 'entropy.png', 'grid.png', 'samples.json'])
    assert.ok(files.includes(f), f);
  assert.ok(!files.includes('sample-02.png'));
  const label = PNG.sync.read(readFileSync(join(dir, 'out', 'sample-01.png')));
  assert.deepEqual([...label.data.filter((_, i) => i % 4 === 0)], [1, 0, 0, 0]);
  const entropy = readFileSync(join(dir, 'out', 'entropy.npy'));
  const e = new Float32Array(Uint8Array.from(entropy.subarray(parseNpyHeader(entropy).dataOffset)).buffer);
  assert.ok(Math.abs((e[2] as number) - Math.LN2) < 1e-6, 'H(0.5) = ln 2'); // mean of 0.6, 0.4
  const json = JSON.parse(readFileSync(join(dir, 'out', 'samples.json'), 'utf8'));
  assert.deepEqual(json.samples, [
    { index: 0, file: 'sample-00.png', foreground: 2 },
    { index: 1, file: 'sample-01.png', foreground: 1 },
  ]);
  assert.deepEqual(json.labels, { background: 0, foreground: 1, threshold: 'p > 0.5' });
  rmSync(dir, { recursive: true });
});
