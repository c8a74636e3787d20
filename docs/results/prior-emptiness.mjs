// Diagnostic behind docs/results/README.md ("empty samples do not follow the raters"): is the
// prior's *mean* already right, with the spread around it at fault? For each test slice of a
// trained PU-Net, grouped by how many of its raters drew nothing:
//   - how often samples are empty with z = μp + T·σp·ε at temperatures T = 0 (the mean), 0.5, 1;
//   - where the raters' posterior means (z = flow(μq), as in training) sit under the prior:
//     the squared Mahalanobis distance Σ((z − μp)/σp)², whose mean over prior samples is L.
//   node docs/results/prior-emptiness.mjs <run dir> <prepared LIDC dir> [max slices=322] [samples=16]
import { testSlices } from './testSlices.mjs';
import { noGrad, randn, scope, tensor, cat } from '../../dist/src/tensor/index.js';

const [run, data, maxArg, samplesArg] = process.argv.slice(2);
if (!run || !data) {
  console.error('usage: node docs/results/prior-emptiness.mjs <run dir> <prepared LIDC dir> [max slices] [samples]');
  process.exit(2);
}
const n = Number(samplesArg ?? 16);
const { model, raters, height, width, pixels, slices: tests } = testSlices(run, data);
const L = model.config.latent;
const TEMPS = [0, 0.5, 1];
const groups = new Map();
let slices = 0;
const emptyShare = (logits, count) => {
  let empty = 0;
  for (let s = 0; s < count; s++) {
    let any = false;
    for (let p = s * pixels; p < (s + 1) * pixels && !any; p++) any = logits[p] > 0;
    if (!any) empty++;
  }
  return empty / count;
};
for (const { image, mask } of tests) {
  const empties = Array.from({ length: raters }, (_, r) => mask(r).every((v) => v === 0));
  const k = empties.filter(Boolean).length;
  const g = groups.get(k) ?? { slices: 0, empty: TEMPS.map(() => 0), dEmpty: [], dDrawn: [] };
  scope(() =>
    noGrad(() => {
      const x = tensor(image, [1, 1, height, width]);
      const eps = randn([1, n, L]);
      let mu, sigma;
      TEMPS.forEach((t, j) => {
        const s = model.sample(x, n, { eps: eps.mul(t) });
        g.empty[j] += emptyShare(s.logits.toFloat32Array(), n);
        mu = s.priorMu.toFloat32Array();
        sigma = s.priorSigma.toFloat32Array();
      });
      for (let r = 0; r < raters; r++) {
        const y = tensor(Float32Array.from(mask(r), (v) => (v ? 1 : 0)), [1, 1, height, width]);
        const q = model.encodePosterior(x, y);
        const z = (model.flow ? model.flow.forward(q.mu, q.context).z : q.mu).toFloat32Array();
        let d2 = 0;
        for (let l = 0; l < L; l++) d2 += ((z[l] - mu[l]) / sigma[l]) ** 2;
        (empties[r] ? g.dEmpty : g.dDrawn).push(d2);
      }
    }),
  );
  g.slices++;
  groups.set(k, g);
  if (++slices >= Number(maxArg ?? 322)) break;
}
const mean = (a) => (a.length ? (a.reduce((x, y) => x + y, 0) / a.length).toFixed(1) : '—');
console.log(`prior: ${model.config.prior ?? 'separate'}; ${n} samples per slice; L = ${L} (mean squared distance of a prior sample)`);
for (const [k, g] of [...groups.entries()].sort((a, b) => a[0] - b[0]))
  console.log(
    `${k} of ${raters} raters empty (${g.slices} slices): empty samples ${TEMPS.map((t, j) => `T=${t} ${(100 * g.empty[j] / g.slices).toFixed(0)}%`).join(', ')}; posterior means' distance² under the prior: empty raters ${mean(g.dEmpty)}, drawing raters ${mean(g.dDrawn)}`,
  );
