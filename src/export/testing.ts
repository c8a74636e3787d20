// Test helpers shared by the export, CLI and browser tests: a tiny trained run and a test image.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { train, DEFAULT_TRAIN, type TrainConfig } from '../train/index.js';
import { DEFAULT_MODEL_CONFIG, type FlowName, type ModelKind } from '../models/config.js';

/** Trains a tiny model (filters [4, 8], synthetic 16×16) for a few steps; returns the run dir. */
export function trainTinyRun(model: ModelKind, flow: FlowName, steps = 6): string {
  const dir = mkdtempSync(join(tmpdir(), `fs-export-${model}-${flow}-`));
  const modelConfig = { ...DEFAULT_MODEL_CONFIG, model, filters: [4, 8], flow, flowSteps: flow === 'none' ? 0 : 2, latent: 3 };
  const config: TrainConfig = {
    ...DEFAULT_TRAIN,
    data: 'synthetic',
    modelConfig,
    variant: `${model}-${flow}`,
    synthetic: { items: 24, size: 16, disagreement: 0.5 },
    batchSize: 4,
    maxSteps: steps,
    maxValImages: 4,
    lr: 1e-2,
  };
  train({ config, outDir: join(dir, 'run') }).model.dispose();
  return join(dir, 'run');
}

/** A smooth 8-bit gray test image (a bright disc on a ramp) written as PNG. */
export function writeTestPng(path: string, size: number): void {
  const png = new PNG({ width: size, height: size });
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const d = Math.hypot(x - size / 2, y - size / 2) / size;
      const v = Math.round(Math.min(255, 40 + 100 * (x / size) + (d < 0.25 ? 110 : 0)));
      const i = 4 * (y * size + x);
      png.data[i] = png.data[i + 1] = png.data[i + 2] = v;
      png.data[i + 3] = 255;
    }
  }
  writeFileSync(path, PNG.sync.write(png, { colorType: 0 }));
}
