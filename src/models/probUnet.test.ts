// The whole model against the PyTorch reference (scripts/golden/elbo_golden.py): every ELBO
// part and every parameter gradient, plus finite differences through the whole model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { packageRoot } from '../util/paths.js';
import { scope, loadSafetensors, noGrad, tensor, type Tensor } from '../tensor/index.js';
import { DEFAULT_MODEL_CONFIG, type FlowName, type PriorKind } from './config.js';
import type { GaussianEncoder } from './gaussianEncoder.js';
import { ProbUNet } from './probUnet.js';

const CASES: { file: string; flow: FlowName; steps: number }[] = [
  { file: 'vanilla', flow: 'none', steps: 0 },
  { file: 'planar2', flow: 'planar', steps: 2 },
  { file: 'radial2', flow: 'radial', steps: 2 },
  { file: 'cplanar2', flow: 'cplanar', steps: 2 },
  { file: 'cglow2', flow: 'cglow', steps: 2 },
];

function build(flow: FlowName, steps: number, prior: PriorKind = 'separate'): ProbUNet {
  return new ProbUNet({ ...DEFAULT_MODEL_CONFIG, inChannels: 1, filters: [4, 8], latent: 2, flow, flowSteps: steps, prior, dtype: 'float64' });
}

function close(a: Tensor, b: Tensor, tol: number, what: string): void {
  const x = a.toFloat64Array();
  const y = b.toFloat64Array();
  assert.equal(x.length, y.length, `${what}: size`);
  for (let i = 0; i < x.length; i++) {
    assert.ok(Math.abs((x[i] as number) - (y[i] as number)) <= tol * (1 + Math.abs(y[i] as number)), `${what}[${i}]: ${x[i]} vs ${y[i]}`);
  }
}

for (const c of CASES) {
  test(`ProbUNet ${c.file}: ELBO parts, logits and all gradients match PyTorch`, () => {
    scope(() => {
      const { tensors: g } = loadSafetensors(join(packageRoot(), 'src', 'losses', 'golden', `${c.file}.safetensors`));
      const model = build(c.flow, c.steps);
      model.loadStateDict(g, c.file);
      const get = (k: string): Tensor => g.get(k) as Tensor;
      const out = model.loss(get('input.image'), get('input.mask'), { eps: get('input.eps') });
      close(out.ce, get('expected.ce'), 1e-10, 'ce');
      close(out.kl, get('expected.kl'), 1e-9, 'kl');
      close(out.logDet, get('expected.logdet'), 1e-9, 'logdet');
      close(out.loss, get('expected.loss'), 1e-10, 'loss');
      close(out.logits, get('expected.logits'), 1e-9, 'logits');
      out.loss.backward();
      for (const [name, p] of model.namedParameters()) {
        const expected = g.get(`grad.${name}`);
        assert.ok(expected, `golden has no grad.${name}`);
        close(p.grad as Tensor, expected, 1e-7, `grad ${name}`);
      }
      model.dispose();
    });
  });
}

const FD_CASES: { prior: PriorKind; params: string[] }[] = [
  { prior: 'separate', params: ['unet.down.0.0.weight', 'posterior.head.weight', 'prior.head.bias', 'fcomb.last.weight', 'flow.steps.1.params.weight'] },
  // the shared prior's KL reaches the U-Net encoder through the pooled deepest level
  { prior: 'shared', params: ['unet.down.0.0.weight', 'unet.down.1.2.bias', 'priorHead.weight', 'priorHead.bias', 'posterior.head.weight'] },
];

for (const c of FD_CASES) {
  test(`ProbUNet planar2, ${c.prior} prior: parameter gradients match central finite differences through the whole model`, () => {
    fdCheck(c.prior, c.params);
  });
}

function fdCheck(prior: PriorKind, names: string[]): void {
  scope(() => {
    const { tensors: g } = loadSafetensors(join(packageRoot(), 'src', 'losses', 'golden', 'planar2.safetensors'));
    const model = build('planar', 2, prior);
    // the golden weights; the shared prior's head (same shape) takes the golden prior net's head
    const weights = new Map(g);
    if (prior === 'shared') for (const k of ['weight', 'bias']) weights.set(`priorHead.${k}`, g.get(`prior.head.${k}`) as Tensor);
    model.loadStateDict(weights, 'planar2');
    const get = (k: string): Tensor => g.get(k) as Tensor;
    const lossValue = (): number => scope(() => noGrad(() => model.loss(get('input.image'), get('input.mask'), { eps: get('input.eps') }).loss.item()));
    model.loss(get('input.image'), get('input.mask'), { eps: get('input.eps') }).loss.backward();
    const params = model.namedParameters();
    for (const name of names) {
      const p = params.get(name) as Tensor;
      const analytic = (p.grad as Tensor).toFloat64Array();
      const values = p.toFloat64Array();
      for (const k of [0, Math.floor(values.length / 2), values.length - 1]) {
        const set = (v: number): void =>
          scope(() => {
            const copy = Float64Array.from(values);
            copy[k] = v;
            p.copyFrom(loadValues(copy, p.shape));
          });
        const v0 = values[k] as number;
        const h = 1e-6;
        set(v0 + h);
        const up = lossValue();
        set(v0 - h);
        const down = lossValue();
        set(v0);
        const fd = (up - down) / (2 * h);
        assert.ok(Math.abs(fd - (analytic[k] as number)) <= 1e-5 * (1 + Math.abs(fd)), `${name}[${k}]: fd ${fd} vs autograd ${analytic[k]}`);
      }
    }
    model.dispose();
  });
}

function loadValues(values: Float64Array, shape: number[]): Tensor {
  return tensor(values, shape);
}

test('ProbUNet.sample: a batch of 5 images (one pass per image) gives each image the samples it gets alone; prior σ = exp(bounded log σ)', () => {
  scope(() =>
    noGrad(() => {
      const model = build('none', 0);
      const images = loadValues(
        Float64Array.from({ length: 5 * 16 * 16 }, (_, k) => Math.sin(k * 0.37) * 0.5 + 0.5),
        [5, 1, 16, 16],
      );
      const eps = loadValues(
        Float64Array.from({ length: 5 * 3 * 2 }, (_, k) => Math.cos(k * 1.3)),
        [5, 3, 2],
      );
      const all = model.sample(images, 3, { eps });
      assert.deepEqual(all.probs.shape, [5, 3, 16, 16]);
      for (let i = 0; i < 5; i++) {
        const one = model.sample(images.slice(0, i, i + 1), 3, { eps: eps.slice(0, i, i + 1) });
        close(all.logits.slice(0, i, i + 1), one.logits, 1e-12, `image ${i} logits`);
        close(all.priorSigma.slice(0, i, i + 1), one.priorSigma, 1e-12, `image ${i} σ`);
      }
      const p = (model.prior as GaussianEncoder).forward(images);
      close(all.priorSigma, p.logSigma.exp(), 1e-12, 'σ');
      model.dispose();
    }),
  );
});

test("ProbUNet shared prior: μ, σ are the separate prior's when the U-Net encoder and the head carry the prior net's weights; loss and samples follow", () => {
  scope(() =>
    noGrad(() => {
      const separate = build('planar', 2);
      const shared = build('planar', 2, 'shared');
      // the U-Net's down path has the prior encoder's shape: give it the prior's weights, and the head the prior's head
      const weights = new Map<string, Tensor>();
      for (const [name, p] of separate.namedParameters()) {
        if (name.startsWith('prior.down.')) weights.set(`unet.down.${name.slice('prior.down.'.length)}`, p);
        else if (name.startsWith('prior.head.')) weights.set(`priorHead.${name.slice('prior.head.'.length)}`, p);
        else if (!name.startsWith('unet.down.')) weights.set(name, p);
      }
      shared.loadStateDict(weights, 'separate prior');
      assert.ok(![...shared.namedParameters().keys()].some((k) => k.startsWith('prior.')), 'no separate prior encoder');
      const images = loadValues(
        Float64Array.from({ length: 3 * 16 * 16 }, (_, k) => Math.sin(k * 0.23) * 0.5 + 0.5),
        [3, 1, 16, 16],
      );
      const eps = loadValues(
        Float64Array.from({ length: 3 * 4 * 2 }, (_, k) => Math.cos(k * 0.7)),
        [3, 4, 2],
      );
      const expected = (separate.prior as GaussianEncoder).forward(images);
      const got = shared.sample(images, 4, { eps });
      close(got.priorMu, expected.mu, 1e-12, 'μ');
      close(got.priorSigma, expected.logSigma.exp(), 1e-12, 'σ');
      // the same prior, but the U-Net now computes other features, so the logits differ from the separate model's
      const other = separate.sample(images, 4, { eps });
      assert.ok(got.logits.sub(other.logits).abs().max().item() > 1e-6, 'features come from the re-weighted U-Net');
      separate.dispose();
      shared.dispose();
    }),
  );
});
