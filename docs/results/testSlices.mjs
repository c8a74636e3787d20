// Shared by the diagnostics in this folder: a trained run's model and the test slices of its split,
// read straight from a prepared dataset (index.json, images.f32, masks.u8).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadTrainedModel } from '../../dist/src/run/loadModel.js';

/** { model, raters, height, width, pixels, slices: [{ id, image: Float32Array, mask(r): Uint8Array }] } in the split's test order. */
export function testSlices(run, data) {
  const index = JSON.parse(readFileSync(join(data, 'index.json'), 'utf8'));
  const { items, raters, height, width } = index.shape;
  const pixels = height * width;
  const images = new Float32Array(readFileSync(join(data, 'images.f32')).buffer.slice(0));
  const masks = readFileSync(join(data, 'masks.u8'));
  const where = new Map(index.ids.map((id, i) => [id, i]));
  const split = JSON.parse(readFileSync(join(run, 'split.json'), 'utf8'));
  const { model } = loadTrainedModel(run);
  const slices = split.test
    .map((id) => [id, where.get(id)])
    .filter(([, i]) => i !== undefined && i < items)
    .map(([id, i]) => ({
      id,
      image: images.slice(i * pixels, (i + 1) * pixels),
      mask: (r) => masks.subarray((i * raters + r) * pixels, (i * raters + r + 1) * pixels),
    }));
  return { model, raters, height, width, pixels, slices };
}
