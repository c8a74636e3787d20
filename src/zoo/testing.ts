// Test helper: a model folder (card.json, card.md, model.onnx) for registry and CLI tests; never shipped.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import type { modelCardSchema } from './card.js';
import { MODEL_FILES } from './registry.js';

export type CardInput = z.input<typeof modelCardSchema>;

/** A valid card for `name` (numbers made up: for tests of the registry, not of a model). */
export function exampleCard(name: string, over: Partial<CardInput> = {}): CardInput {
  return {
    name,
    summary: 'test model: blobs on a ramp, 16×16',
    variant: 'probunet+planar2',
    inputShape: [1, 16, 16],
    intensity: '8-bit gray / 255',
    trainingData: 'flowseg synthetic set, 24 items',
    licence: 'MIT (test fixture)',
    testMetrics: { ged_excl: 0.5, hm_iou: 0.4, images: 4 },
    commit: 'abcdef1',
    command: ['flowseg train --data synthetic', 'flowseg export --checkpoint run --out model.onnx'],
    ...over,
  };
}

/** Writes models/<name>/ under `dir` with `onnx` bytes (or a placeholder) and the card. */
export function writeModelFolder(dir: string, card: CardInput, onnx: Uint8Array | string = 'not a real model'): string {
  const folder = join(dir, card.name);
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, MODEL_FILES.card), `${JSON.stringify(card, null, 2)}\n`);
  writeFileSync(join(folder, MODEL_FILES.cardText), `# ${card.name}\n\n${card.summary}\n`);
  writeFileSync(join(folder, MODEL_FILES.onnx), onnx);
  return folder;
}
