import assert from 'node:assert/strict';
import { test } from 'node:test';
import { concatBytes } from './bytes.js';

test('concatBytes joins chunks in order', () => {
  const joined = concatBytes([Uint8Array.of(1, 2), Uint8Array.of(), Uint8Array.of(3)], 3);
  assert.deepEqual([...joined], [1, 2, 3]);
});
