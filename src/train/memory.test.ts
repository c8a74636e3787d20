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

const anonMiB = (): number => Number(/RssAnon:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) / 1024;

test('training with frequent validation: anonymous RSS and live tensors stay flat from step 10 to step 40', (t) => {
  if (process.platform !== 'linux') {
    t.skip('reads /proc/self/status (Linux only)');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'fs-mem-'));
  const at: Record<number, { rss: number; live: number }> = {};
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
      if (step === 10 || step === 40) at[step] = { rss: anonMiB(), live: liveTensors() };
    },
  }).model.dispose();
  rmSync(dir, { recursive: true, force: true });
  const [a, b] = [at[10], at[40]];
  assert.ok(a && b);
  assert.equal(b.live, a.live, 'live tensors');
  // One step's activations at this size are ~60 MB; 30 steps of the old growth were > 1 GB.
  assert.ok(b.rss - a.rss < 150, `anonymous RSS grew ${(b.rss - a.rss).toFixed(0)} MiB from step 10 (${a.rss.toFixed(0)}) to 40 (${b.rss.toFixed(0)})`);
});
