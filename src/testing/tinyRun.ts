// Test fixtures shared by the export, CLI and browser tests (test code only: may import every layer): a tiny trained run and a test image.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { train, DEFAULT_TRAIN, type TrainConfig } from '../train/index.js';
import { DEFAULT_MODEL_CONFIG, type FlowName, type ModelKind, type PriorKind } from '../models/config.js';
import { readCheckpoint, restore, disposeCheckpoint, saveCheckpoint, BEST } from '../run/checkpoint.js';
import { createModel } from '../models/create.js';
import { loadModelInput, sampleImage } from '../infer/index.js';
import { noGrad, scope, type Tensor } from '../tensor/index.js';
import type { SegmentationModel } from '../models/segmentationModel.js';

/** Trains a tiny model (filters [4, 8], synthetic 16×16) for a few steps; returns the run dir. */
export function trainTinyRun(model: ModelKind, flow: FlowName, steps = 6, prior: PriorKind = 'separate'): string {
  const dir = mkdtempSync(join(tmpdir(), `fs-export-${model}-${flow}-`));
  const modelConfig = { ...DEFAULT_MODEL_CONFIG, model, filters: [4, 8], flow, flowSteps: flow === 'none' ? 0 : 2, latent: 3, prior };
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

/**
 * A few training steps (or random weights) leave every pixel on one side of 0.5, so equal
 * masks would prove nothing. Shifts the last bias so a mid-range sample logit on `image`
 * becomes 0 (about half the pixels foreground, varying across samples).
 */
export function calibrateModel(model: SegmentationModel, image: Float32Array, shape: [number, number, number], seed = 5): void {
  const s = sampleImage(model, image, shape, 8, seed);
  const logits = s.probs.flatMap((p) => Array.from(p, (v) => Math.log(v / (1 - v)))).sort((a, b) => a - b);
  // Threshold in the widest gap between 30 % and 70 % of the sorted logits: no pixel may sit
  // within float error of 0.5, or the two engines could legitimately disagree on it.
  let cut = 0;
  let widest = -1;
  for (let i = Math.floor(0.3 * logits.length); i < Math.floor(0.7 * logits.length); i++) {
    const gap = (logits[i + 1] as number) - (logits[i] as number);
    if (gap > widest) [widest, cut] = [gap, ((logits[i] as number) + (logits[i + 1] as number)) / 2];
  }
  const bias = model.namedParameters().get(model.config.model === 'detunet' ? 'head.bias' : 'fcomb.last.bias') as Tensor;
  scope(() => noGrad(() => bias.copyFrom(bias.sub(cut))));
}

/** calibrateModel on a run's last checkpoint, saved as the run's best checkpoint. */
export async function calibrateRun(run: string, image: string, seed = 5): Promise<void> {
  const ckpt = readCheckpoint(run, 'last');
  const shape = ckpt.config.inputShape as [number, number, number];
  const model = createModel(ckpt.config.modelConfig);
  restore(ckpt, model, null, run);
  calibrateModel(model, await loadModelInput(image, shape), shape, seed);
  saveCheckpoint(join(run, BEST), model, null, ckpt.config, ckpt.state);
  disposeCheckpoint(ckpt);
  model.dispose();
}
