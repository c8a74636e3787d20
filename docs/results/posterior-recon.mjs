// Diagnostic behind docs/results/README.md ("the prior is the bottleneck"): how well does a
// trained PU-Net reconstruct each rater's mask from its posterior mean (z = μq of image + that
// mask, through the flow), grouped by how many raters of the slice drew nothing?
//   node docs/results/posterior-recon.mjs <run dir> <prepared LIDC dir> [max slices=250]
// Prints per group: (slice, rater) pairs, mean IoU (two empty masks = 1) and how often the
// reconstruction is empty exactly when the rater's mask is. Test split of the run, in its order.
import { testSlices } from './testSlices.mjs';
import { noGrad, scope, tensor, zeros } from '../../dist/src/tensor/index.js';

const [run, data, maxArg] = process.argv.slice(2);
if (!run || !data) {
  console.error('usage: node docs/results/posterior-recon.mjs <run dir> <prepared LIDC dir> [max slices]');
  process.exit(2);
}
const { model, raters, height, width, pixels, slices: tests } = testSlices(run, data);
const groups = new Map();
let slices = 0;
for (const { image, mask } of tests) {
  const emptyRaters = Array.from({ length: raters }, (_, r) => mask(r).every((v) => v === 0)).filter(Boolean).length;
  const g = groups.get(emptyRaters) ?? { pairs: 0, iou: 0, emptinessAgrees: 0 };
  scope(() =>
    noGrad(() => {
      const x = tensor(image, [1, 1, height, width]);
      for (let r = 0; r < raters; r++) {
        const y = Float32Array.from(mask(r), (v) => (v ? 1 : 0));
        const logits = model.loss(x, tensor(y, [1, 1, height, width]), { eps: zeros([1, model.config.latent]) }).logits.toFloat32Array();
        let inter = 0, union = 0, recon = 0, target = 0;
        for (let p = 0; p < pixels; p++) {
          const s = logits[p] > 0 ? 1 : 0;
          const t = y[p] > 0 ? 1 : 0;
          recon += s;
          target += t;
          inter += s & t;
          union += s | t;
        }
        g.pairs++;
        g.iou += union === 0 ? 1 : inter / union;
        g.emptinessAgrees += (recon === 0) === (target === 0) ? 1 : 0;
      }
    }),
  );
  groups.set(emptyRaters, g);
  if (++slices >= Number(maxArg ?? 250)) break;
}
for (const [k, g] of [...groups.entries()].sort((a, b) => a[0] - b[0]))
  console.log(`${k} of ${raters} raters empty: ${g.pairs} pairs, posterior-mean IoU ${(g.iou / g.pairs).toFixed(3)}, emptiness agrees ${(g.emptinessAgrees / g.pairs).toFixed(3)}`);
