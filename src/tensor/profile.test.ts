import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conv2d, profileOps, rand, scope } from './index.js';

test('profileOps: forward and backward ops of a conv, self ≤ total, memory in the op that allocated it', () => {
  scope(() => {
    const x = rand([2, 3, 32, 32]);
    const w = rand([8, 3, 3, 3]).setRequiresGrad();
    const { result, ops } = profileOps(
      () => {
        const y = conv2d(x, w, null, { padding: 1 }).relu().sum();
        y.backward();
        return y.item();
      },
      { memory: true },
    );
    assert.ok(Number.isFinite(result));
    const byName = new Map(ops.map((o) => [o.name, o]));
    for (const name of ['aten::convolution', 'aten::relu', 'aten::sum']) assert.ok(byName.get(name)?.calls, `${name} in ${[...byName.keys()].join(', ')}`);
    assert.ok(
      ops.some((o) => o.name.includes('ConvolutionBackward')),
      'backward ops are profiled',
    );
    for (const o of ops) assert.ok(o.selfUs <= o.totalUs + 1e-6 && o.selfUs >= -1e-6, `${o.name}: self ${o.selfUs} total ${o.totalUs}`);
    for (let i = 1; i < ops.length; i++) assert.ok((ops[i - 1]?.selfUs ?? 0) >= (ops[i]?.selfUs ?? 0), 'sorted by self time');
    // relu's output (2·8·32·32 floats) is allocated inside aten::relu (clamp_min under it or itself)
    const reluBytes = (byName.get('aten::relu')?.selfBytes ?? 0) + (byName.get('aten::clamp_min')?.selfBytes ?? 0);
    assert.ok(reluBytes >= 2 * 8 * 32 * 32 * 4, `relu allocated ${reluBytes} bytes`);
  });
});

test('profileOps: stops the profiler when fn throws, so the next profile works', () => {
  assert.throws(() =>
    profileOps(() => {
      throw new Error('boom');
    }),
  );
  const { ops } = profileOps(() => scope(() => rand([4]).exp().sum().item()));
  assert.ok(ops.some((o) => o.name === 'aten::exp'));
});
