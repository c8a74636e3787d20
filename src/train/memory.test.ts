// Memory stays bounded over a long run (an LIDC run grew by tens of MB per step after its first
// validation and was OOM-killed at 24 GB: glibc arena fragmentation, live tensors constant).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { train, DEFAULT_TRAIN } from './index.js';
import { DEFAULT_MODEL_CONFIG } from '../models/config.js';
import { liveTensors } from '../tensor/index.js';
import { TRIM_GROWTH_BYTES } from '../tensor/engine.js';

const anonMiB = (): number => Number(/RssAnon:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) / 1024;

test('training with frequent validation: anonymous RSS stays bounded and live tensors flat from step 10 to step 40', (t) => {
  if (process.platform !== 'linux') {
    t.skip('reads /proc/self/status (Linux only)');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'fs-mem-'));
  const rss = new Map<number, number>();
  const live = new Map<number, number>();
  train({
    config: {
      ...DEFAULT_TRAIN,
      data: 'synthetic',
      modelConfig: { ...DEFAULT_MODEL_CONFIG, filters: [16, 32, 64], flow: 'planar', flowSteps: 2 },
      variant: 'probunet+planar2',
      synthetic: { items: 120, size: 128, disagreement: 0.5 },
      batchSize: 8,
      maxSteps: 40,
      valEverySteps: 4,
      maxValImages: 16,
    },
    outDir: dir,
    onStep: (step) => {
      if (step >= 10) {
        rss.set(step, anonMiB());
        live.set(step, liveTensors());
      }
    },
  }).model.dispose();
  rmSync(dir, { recursive: true, force: true });
  assert.equal(live.get(40), live.get(10), 'live tensors');
  // The old growth (glibc arena fragmentation) was > 1 GB over these 30 steps. Free heap is now
  // returned once it has grown TRIM_GROWTH_BYTES over the level after a trim (a level that keeps
  // about one step's freed blocks for reuse), so the late steps' peak may exceed the early steps'
  // by that much at most.
  const peak = (from: number, to: number): number => Math.max(...[...rss].filter(([s]) => s >= from && s <= to).map(([, v]) => v));
  const [early, late] = [peak(10, 20), peak(30, 40)];
  const allowed = TRIM_GROWTH_BYTES / 2 ** 20 + 100;
  assert.ok(
    late - early < allowed,
    `anonymous RSS peak grew ${(late - early).toFixed(0)} MiB from steps 10–20 (${early.toFixed(0)}) to 30–40 (${late.toFixed(0)}), allowed ${allowed}`,
  );
});
