import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scope, randn, rand, randint, multinomial, manualSeed, getRngState, setRngState, Generator, tensor } from './index.js';

test('manualSeed makes the global generator reproducible; state save/restore replays exactly', () => {
  scope(() => {
    manualSeed(42);
    const a = randn([5]).toArray();
    manualSeed(42);
    assert.deepEqual(randn([5]).toArray(), a);
    const state = getRngState();
    const b = rand([4]).toArray();
    setRngState(state);
    assert.deepEqual(rand([4]).toArray(), b);
  });
});

test('independent generators: same seed, same stream, unaffected by the global one', () => {
  scope(() => {
    const g1 = new Generator(7);
    const x = randn([3], { generator: g1 }).toArray();
    manualSeed(1);
    randn([100]);
    const g2 = new Generator(7);
    assert.deepEqual(randn([3], { generator: g2 }).toArray(), x);
    const ints = randint(0, 4, [1000], g2).toArray() as BigInt64Array;
    assert.ok(ints.every((v) => v >= 0n && v < 4n));
    const picks = multinomial(tensor([0, 0, 1, 0]), 5, true, g2).toArray() as BigInt64Array;
    assert.deepEqual(Array.from(picks), [2n, 2n, 2n, 2n, 2n]);
    const st = g2.getState();
    const y = rand([3], { generator: g2 }).toArray();
    g2.setState(st);
    assert.deepEqual(rand([3], { generator: g2 }).toArray(), y);
  });
});

test('randn has roughly unit variance (sanity of the float64 path)', () => {
  scope(() => {
    manualSeed(3);
    const x = randn([20000], { dtype: 'float64' });
    assert.ok(Math.abs(x.mean().item()) < 0.03);
    assert.ok(Math.abs(x.square().mean().item() - 1) < 0.05);
  });
});
