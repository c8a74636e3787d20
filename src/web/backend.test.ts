import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasWebGpu, pickBackend, wasmThreads } from './backend.js';

/** Runs `body` with `navigator` and `crossOriginIsolated` replaced on globalThis, then restores them. */
async function withGlobals(values: { navigator?: unknown; crossOriginIsolated?: boolean }, body: () => Promise<void> | void): Promise<void> {
  const keys = ['navigator', 'crossOriginIsolated'] as const;
  const saved = keys.map((k) => Object.getOwnPropertyDescriptor(globalThis, k));
  try {
    for (const k of keys) Object.defineProperty(globalThis, k, { value: values[k], configurable: true, writable: true });
    await body();
  } finally {
    keys.forEach((k, i) => {
      const d = saved[i];
      if (d) Object.defineProperty(globalThis, k, d);
      else delete (globalThis as Record<string, unknown>)[k];
    });
  }
}

const gpu = (adapter: unknown) => ({ gpu: { requestAdapter: async () => adapter }, hardwareConcurrency: 2 });

test('WebGPU counts only with a hardware adapter: none, a failing request or a software fallback (SwiftShader) mean wasm', async () => {
  await withGlobals({ navigator: gpu({ info: { architecture: 'ampere', isFallbackAdapter: false } }) }, async () => {
    assert.equal(await hasWebGpu(), true);
    assert.equal(await pickBackend('auto'), 'webgpu');
  });
  await withGlobals({ navigator: gpu({}) }, async () => assert.equal(await hasWebGpu(), true)); // no info: an older browser
  for (const adapter of [null, { info: { architecture: 'swiftshader', isFallbackAdapter: true } }, { isFallbackAdapter: true }]) {
    await withGlobals({ navigator: gpu(adapter) }, async () => {
      assert.equal(await hasWebGpu(), false, JSON.stringify(adapter));
      assert.equal(await pickBackend('auto'), 'wasm');
    });
  }
  const failing = { gpu: { requestAdapter: async () => Promise.reject(new Error('blocked')) } };
  await withGlobals({ navigator: failing }, async () => assert.equal(await hasWebGpu(), false));
  await withGlobals({ navigator: {} }, async () => assert.equal(await hasWebGpu(), false));
  await withGlobals({ navigator: gpu(null) }, async () => assert.equal(await pickBackend('webgpu'), 'webgpu')); // asked for: kept
});

test('wasm threads: one per core up to 4 on a cross-origin-isolated page, else 1; an explicit count wins', async () => {
  const cores = (n?: number) => ({ hardwareConcurrency: n });
  await withGlobals({ navigator: cores(2), crossOriginIsolated: true }, () => assert.equal(wasmThreads(), 2));
  await withGlobals({ navigator: cores(16), crossOriginIsolated: true }, () => assert.equal(wasmThreads(), 4));
  await withGlobals({ navigator: cores(undefined), crossOriginIsolated: true }, () => assert.equal(wasmThreads(), 1));
  await withGlobals({ navigator: cores(8), crossOriginIsolated: false }, () => assert.equal(wasmThreads(), 1));
  await withGlobals({ navigator: undefined, crossOriginIsolated: undefined }, () => assert.equal(wasmThreads(), 1));
  await withGlobals({ navigator: cores(8), crossOriginIsolated: false }, () => assert.equal(wasmThreads(3), 3));
});
