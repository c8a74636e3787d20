import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Linear } from './layers.js';
import { ModuleList } from './moduleList.js';
import { Module } from './module.js';

class Holder extends Module {
  readonly list = this.child('steps', new ModuleList([new Linear(2, 3), new Linear(3, 1)]));
}

test('ModuleList names children 0, 1, … (PyTorch state_dict names) and iterates in order', () => {
  const h = new Holder();
  try {
    assert.deepEqual([...h.namedParameters().keys()], ['steps.0.weight', 'steps.0.bias', 'steps.1.weight', 'steps.1.bias']);
    assert.equal(h.list.length, 2);
    assert.deepEqual(
      [...h.list].map((l) => l.weight.shape),
      [
        [3, 2],
        [1, 3],
      ],
    );
  } finally {
    h.dispose();
  }
});
