// Every op against PyTorch-generated golden values (scripts/golden/ops_golden.py): values,
// gradients vs PyTorch's autograd, and gradients vs central finite differences in float64.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../util/paths.js';
import {
  type Tensor,
  scope,
  tensor,
  cat,
  stack,
  where,
  conv2d,
  avgPool2d,
  interpolateBilinear,
  linear,
  bceWithLogits,
  slogdet,
  inverse,
  noGrad,
  type RawTensor,
  loadRawSafetensors,
} from './index.js';

interface Case {
  name: string;
  op: string;
  args: Record<string, unknown>;
  inputs: string[];
  outputs: string[];
  grads?: string[];
  gout?: string;
}
const dir = join(packageRoot(), 'src', 'tensor', 'golden');
const spec = JSON.parse(readFileSync(join(dir, 'ops.json'), 'utf8')) as { cases: Case[] };
const file = loadRawSafetensors(join(dir, 'ops.safetensors')).tensors;
const raw = (name: string): RawTensor => {
  const t = file.get(name);
  if (!t) throw new Error(`golden tensor ${name} missing`);
  return t;
};
const pair = (v: unknown): [number, number] => (Array.isArray(v) ? [v[0], v[1]] : [Number(v), Number(v)]);
const dims = (v: unknown): number[] => (Array.isArray(v) ? v : [Number(v)]);

function apply(c: Case, xs: Tensor[]): Tensor {
  const a = c.args;
  const [x, y, z] = xs as [Tensor, Tensor, Tensor];
  switch (c.op) {
    case 'conv2d':
      return conv2d(x, y, z ?? null, { stride: pair(a.stride), padding: pair(a.padding), groups: Number(a.groups) });
    case 'avg_pool2d':
      return avgPool2d(x, pair(a.kernel_size), pair(a.stride), pair(a.padding));
    case 'interpolate_bilinear':
      return interpolateBilinear(x, a.size as [number, number], Boolean(a.align_corners));
    case 'cat':
      return cat(xs, Number(a.dim));
    case 'stack':
      return stack(xs, Number(a.dim));
    case 'permute':
      return x.permute(a.dims as number[]);
    case 'expand':
      return x.expand(a.sizes as number[]);
    case 'repeat':
      return x.repeat(a.repeats as number[]);
    case 'reshape':
      return x.reshape(a.shape as number[]);
    case 'index_select':
      return x.indexSelect(Number(a.dim), y);
    case 'slice':
      return x.slice(Number(a.dim), Number(a.start), Number(a.end), Number(a.step));
    case 'add':
      return x.add(y);
    case 'sub':
      return x.sub(y);
    case 'mul':
      return x.mul(y);
    case 'div':
      return x.div(y);
    case 'neg':
      return x.neg();
    case 'abs':
      return x.abs();
    case 'exp':
      return x.exp();
    case 'log':
      return x.log();
    case 'pow':
      return a.exponent !== undefined ? x.pow(Number(a.exponent)) : x.pow(y);
    case 'sqrt':
      return x.sqrt();
    case 'relu':
      return x.relu();
    case 'sigmoid':
      return x.sigmoid();
    case 'tanh':
      return x.tanh();
    case 'softplus':
      return x.softplus(Number(a.beta ?? 1), Number(a.threshold ?? 20));
    case 'logsigmoid':
      return x.logSigmoid();
    case 'logsumexp':
      return x.logsumexp(dims(a.dim), Boolean(a.keepdim));
    case 'clamp':
      return x.clamp(a.min === undefined ? null : Number(a.min), a.max === undefined ? null : Number(a.max));
    case 'where':
      return where(x, y, z);
    case 'gt':
      return x.gt(y);
    case 'matmul':
      return x.matmul(y);
    case 'linear':
      return linear(x, y, z ?? null);
    case 'slogdet':
      return slogdet(x)[1];
    case 'inverse':
      return inverse(x);
    case 'sum':
      return a.dim === undefined ? x.sum() : x.sum(dims(a.dim), Boolean(a.keepdim));
    case 'mean':
      return a.dim === undefined ? x.mean() : x.mean(dims(a.dim), Boolean(a.keepdim));
    case 'max':
      return a.dim === undefined ? x.max() : x.max(Number(a.dim), Boolean(a.keepdim));
    case 'binary_cross_entropy_with_logits':
      return bceWithLogits(x, y, a.reduction as 'none' | 'sum' | 'mean');
    default:
      throw new Error(`no mapping for golden op ${c.op}`);
  }
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) {
    const e = Number(expected[i]);
    const d = Math.abs(Number(actual[i]) - e);
    assert.ok(d <= tol * (1 + Math.abs(e)), `${what}[${i}]: ${actual[i]} vs ${e}`);
  }
}

const isFloat = (t: RawTensor): boolean => t.dtype === 'float64' || t.dtype === 'float32';
const numeric = (t: RawTensor): number[] => Array.from(t.data as ArrayLike<number | bigint>, Number);

for (const c of spec.cases) {
  test(`op ${c.name}: values and autograd match PyTorch`, () => {
    scope(() => {
      const ins = c.inputs.map((n) => raw(n));
      const xs = ins.map((r) => tensor(r.data, r.shape, { dtype: r.dtype }));
      xs.forEach((x, i) => {
        if (isFloat(ins[i] as RawTensor) && c.grads?.[i]) x.setRequiresGrad(true);
      });
      const out = apply(c, xs);
      const expected = raw(c.outputs[0] as string);
      assert.deepEqual(out.shape, expected.shape, 'shape');
      assertClose(Array.from(out.toArray() as ArrayLike<number>, Number), numeric(expected), 1e-10, `${c.name} out`);
      if (!c.gout || !out.requiresGrad) return;
      const gout = raw(c.gout);
      out
        .mul(tensor(gout.data, gout.shape, { dtype: gout.dtype }))
        .sum()
        .backward();
      c.grads?.forEach((gname, i) => {
        if (!file.has(gname)) return;
        const g = (xs[i] as Tensor).grad;
        assert.ok(g, `${c.name}: input ${i} got no gradient`);
        assertClose(g.toFloat64Array(), numeric(raw(gname)), 1e-9, `${c.name} grad ${i}`);
      });
    });
  });
}

// Central differences of L(x) = Σ out(x)·gout, independent of PyTorch.
for (const c of spec.cases.filter((k) => k.gout && !['gt', 'max', 'relu', 'abs', 'clamp', 'where'].includes(k.op))) {
  test(`op ${c.name}: gradient matches finite differences (float64)`, () => {
    scope(() => {
      const ins = c.inputs.map((n) => raw(n));
      const gout = raw(c.gout as string);
      const loss = (arrays: Float64Array[]): number =>
        scope(() =>
          noGrad(() => {
            const xs = ins.map((r, i) => (isFloat(r) ? tensor(arrays[i] as Float64Array, r.shape) : tensor(r.data, r.shape, { dtype: r.dtype })));
            return apply(c, xs)
              .mul(tensor(gout.data, gout.shape, { dtype: gout.dtype }))
              .sum()
              .item();
          }),
        );
      const arrays = ins.map((r) => Float64Array.from(numeric(r)));
      ins.forEach((r, i) => {
        if (!isFloat(r) || !c.grads?.[i] || !file.has(c.grads[i] as string)) return;
        const xs = ins.map((q, j) => tensor(q.data, q.shape, { dtype: q.dtype }).setRequiresGrad(j === i));
        apply(c, xs)
          .mul(tensor(gout.data, gout.shape, { dtype: gout.dtype }))
          .sum()
          .backward();
        const analytic = (xs[i] as Tensor).grad?.toFloat64Array() as Float64Array;
        const a = arrays[i] as Float64Array;
        const h = 1e-6;
        for (let k = 0; k < a.length; k++) {
          const keep = a[k] as number;
          a[k] = keep + h;
          const up = loss(arrays);
          a[k] = keep - h;
          const down = loss(arrays);
          a[k] = keep;
          const fd = (up - down) / (2 * h);
          assert.ok(Math.abs(fd - (analytic[k] as number)) <= 1e-5 * (1 + Math.abs(fd)), `${c.name} input ${i}[${k}]: fd ${fd} vs autograd ${analytic[k]}`);
        }
      });
    });
  });
}
