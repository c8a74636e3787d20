// The decomposed, chunked fcomb (feature half of layer 0 once per image, GEMMs on channels-last
// pixels) against Kohl's literal form: tile z, concat, 1×1 convs (float64, random weights).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { cat, conv2d, manualSeed, noGrad, pointwiseMlpKernel, randn, samplePointwiseMlp, scope, type Tensor } from '../tensor/index.js';
import { Fcomb } from './fcomb.js';

function literal(fc: Fcomb, features: Tensor, z: Tensor): Tensor {
  const [b, , h, w] = features.shape as [number, number, number, number];
  const L = z.shape[1] as number;
  let x = cat([features, z.reshape([b, L, 1, 1]).expand([b, L, h, w])], 1);
  const p = fc.namedParameters();
  for (let k = 0; k < 3; k++) x = conv2d(x, p.get(`layers.${k}.weight`) as Tensor, p.get(`layers.${k}.bias`) as Tensor).relu();
  return conv2d(x, p.get('last.weight') as Tensor, p.get('last.bias') as Tensor);
}

const maxDiff = (a: Tensor, b: Tensor): number => a.sub(b).abs().max().item();

/** |fast − literal| of image i, sample s of fcomb.sample's output fast [B, n, H, W], and the literal's max |logit|. */
function sampleError(fc: Fcomb, fast: Tensor, features: Tensor, z: Tensor, i: number, s: number): { d: number; scale: number } {
  const L = z.shape[2] as number;
  const ref = literal(
    fc,
    features.slice(0, i, i + 1),
    z
      .slice(0, i, i + 1)
      .slice(1, s, s + 1)
      .reshape([1, L]),
  ); // [1, 1, H, W]
  return { d: maxDiff(fast.slice(0, i, i + 1).slice(1, s, s + 1), ref), scale: ref.abs().max().item() };
}

test('fcomb.sample: n samples per image equal the literal tile-concat-conv fcomb per (image, z), also across chunk boundaries; fused (no grad) and op-by-op (grad on) alike', () => {
  manualSeed(4);
  const fc = new Fcomb(5, 3, 3, { dtype: 'float64' });
  try {
    for (const fused of [true, false])
      scope(() =>
        (fused ? noGrad : <R>(fn: () => R): R => fn())(() => {
          for (const [b, n, h, w] of [
            [2, 3, 6, 7],
            [1, 5, 130, 129],
          ] as const) {
            // 130·129 px > one chunk
            const features = randn([b, 5, h, w], { dtype: 'float64' });
            const z = randn([b, n, 3], { dtype: 'float64' });
            const fast = fc.sample(features, z); // [B, n, H, W]
            assert.deepEqual(fast.shape, [b, n, h, w]);
            for (let i = 0; i < b; i++) {
              for (let s = 0; s < n; s++) {
                const { d } = sampleError(fc, fast, features, z, i, s);
                assert.ok(d < 1e-12, `${fused ? 'fused' : 'op by op'}: image ${i} sample ${s}: |Δ| ${d}`);
              }
            }
          }
        }),
      );
  } finally {
    fc.dispose();
  }
});

test('fcomb.forward: values and gradients w.r.t. features, z and weights equal the literal form', () => {
  manualSeed(5);
  const fc = new Fcomb(4, 2, 3, { dtype: 'float64' });
  try {
    scope(() => {
      const features = randn([3, 4, 5, 6], { dtype: 'float64' }).setRequiresGrad(true);
      const z = randn([3, 2], { dtype: 'float64' }).setRequiresGrad(true);
      const grads = (f: () => Tensor): Tensor[] => {
        for (const p of fc.parameters()) p.zeroGrad();
        features.zeroGrad();
        z.zeroGrad();
        f().square().sum().backward();
        return [features, z, ...fc.parameters()].map((t) => (t.grad as Tensor).clone());
      };
      const a = grads(() => fc.forward(features, z));
      const b = grads(() => literal(fc, features, z));
      a.forEach((g, k) => {
        assert.ok(maxDiff(g, b[k] as Tensor) < 1e-10, `gradient ${k}`);
      });
    });
  } finally {
    fc.dispose();
  }
});

test('samplePointwiseMlp (the fused inference loop) refuses inputs that need gradients while autograd is on', () => {
  scope(() => {
    const shared = randn([1, 4, 3]);
    const perSample = randn([1, 2, 3]);
    const weight = randn([1, 3]).setRequiresGrad(true);
    const bias = randn([1]);
    assert.throws(() => samplePointwiseMlp(shared, perSample, [weight], [bias], 2), /inference only/);
    const out = noGrad(() => samplePointwiseMlp(shared, perSample, [weight], [bias], 2)); // [1, 2, 4, 1]
    assert.deepEqual(out.shape, [1, 2, 4, 1]);
  });
});

// float32 on the CPU takes the tiled kernel (native/src/pointwise_mlp.cc): 33 channels (blocks of 4
// outputs + 1 left over), 130·129 px (not a multiple of the 16-pixel tile) in chunks of 3,971 px.
test('fcomb.sample in float32 (the tiled CPU kernel) equals the literal fcomb to float rounding', () => {
  const portable = process.env.FLOWSEG_NATIVE_PORTABLE === '1';
  if (portable) assert.equal(pointwiseMlpKernel(), 'portable');
  manualSeed(6);
  const fc = new Fcomb(33, 6, 3);
  try {
    scope(() =>
      noGrad(() => {
        const features = randn([2, 33, 130, 129]);
        const z = randn([2, 3, 6]);
        const fast = fc.sample(features, z); // [2, 3, H, W]
        for (let i = 0; i < 2; i++)
          for (let s = 0; s < 3; s++) {
            const { d, scale } = sampleError(fc, fast, features, z, i, s);
            assert.ok(d < 1e-5 * Math.max(1, scale), `${pointwiseMlpKernel()}: image ${i} sample ${s}: |Δ| ${d} (max |logit| ${scale})`);
          }
      }),
    );
  } finally {
    fc.dispose();
  }
});

test('the portable loops (FLOWSEG_NATIVE_PORTABLE=1, in a child process) pass the float32 test too', {
  skip: process.env.FLOWSEG_NATIVE_PORTABLE === '1' && 'this is the child',
}, () => {
  const { NODE_TEST_CONTEXT: _, ...env } = process.env; // the child reports as a test run of its own
  const child = spawnSync(process.execPath, ['--test', '--test-name-pattern=float32', fileURLToPath(import.meta.url)], {
    env: { ...env, FLOWSEG_NATIVE_PORTABLE: '1' },
    encoding: 'utf8',
  });
  assert.equal(child.status, 0, child.stdout + child.stderr);
  assert.match(child.stdout, /# pass 1\b/);
});
