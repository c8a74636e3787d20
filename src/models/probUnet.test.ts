// The whole model against the PyTorch reference (scripts/golden/elbo_golden.py): every ELBO
// part and every parameter gradient, plus finite differences through the whole model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { packageRoot } from '../util/paths.js';
import { scope, loadSafetensors, noGrad, tensor, type Tensor } from '../tensor/index.js';
import { DEFAULT_MODEL_CONFIG, type FlowName } from './config.js';
import { ProbUNet } from './probUnet.js';

const CASES: { file: string; flow: FlowName; steps: number }[] = [
  { file: 'vanilla', flow: 'none', steps: 0 },
  { file: 'planar2', flow: 'planar', steps: 2 },
  { file: 'radial2', flow: 'radial', steps: 2 },
  { file: 'cplanar2', flow: 'cplanar', steps: 2 },
  { file: 'cglow2', flow: 'cglow', steps: 2 },
];

function build(flow: FlowName, steps: number): ProbUNet {
  return new ProbUNet({ ...DEFAULT_MODEL_CONFIG, inChannels: 1, filters: [4, 8], latent: 2, flow, flowSteps: steps, dtype: 'float64' });
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

test('ProbUNet planar2: parameter gradients match central finite differences through the whole model', () => {
  scope(() => {
    const { tensors: g } = loadSafetensors(join(packageRoot(), 'src', 'losses', 'golden', 'planar2.safetensors'));
    const model = build('planar', 2);
    model.loadStateDict(g, 'planar2');
    const get = (k: string): Tensor => g.get(k) as Tensor;
    const lossValue = (): number => scope(() => noGrad(() => model.loss(get('input.image'), get('input.mask'), { eps: get('input.eps') }).loss.item()));
    model.loss(get('input.image'), get('input.mask'), { eps: get('input.eps') }).loss.backward();
    const params = model.namedParameters();
    for (const name of ['unet.down.0.0.weight', 'posterior.head.weight', 'prior.head.bias', 'fcomb.last.weight', 'flow.steps.1.params.weight']) {
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
});

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
      const p = model.prior.forward(images);
      close(all.priorSigma, p.logSigma.exp(), 1e-12, 'σ');
      model.dispose();
    }),
  );
});
