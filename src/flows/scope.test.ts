// Flows create intermediates only inside the caller's scope: nothing leaks past it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { liveTensors, manualSeed, randn, scope } from '../tensor/index.js';
import { FLOW_KINDS } from './registry.js';
import { randomFlow } from './flows.fixture.js';

for (const kind of FLOW_KINDS) {
  test(`${kind}: forward (and backward) inside scope() leaves liveTensors() unchanged`, () => {
    manualSeed(31);
    const flow = randomFlow(kind, 2, 6, 4);
    try {
      const before = liveTensors();
      const value = scope(() => {
        const out = flow.forward(randn([8, 6], { dtype: 'float64' }), randn([8, 4], { dtype: 'float64' }));
        const loss = out.z.sum().add(out.logDet.sum());
        loss.backward();
        return loss.item();
      });
      assert.ok(Number.isFinite(value));
      assert.equal(liveTensors(), before, 'tensors leaked by forward/backward');

      // returned tensors move to the caller, and only those two
      const out = scope(() => flow.forward(randn([8, 6], { dtype: 'float64' }), randn([8, 4], { dtype: 'float64' })));
      assert.equal(liveTensors(), before + 2);
      out.z.dispose();
      out.logDet.dispose();
      assert.equal(liveTensors(), before);
    } finally {
      flow.dispose();
    }
  });
}
