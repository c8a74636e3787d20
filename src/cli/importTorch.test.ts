import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { writeTorchFixture } from '../import/testing.js';
import { register } from './importTorch.js';
import { runCommandCapturingStdout } from './testing.js';

const scratch = mkdtempSync(join(tmpdir(), 'flowseg-cli-import-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

test('flowseg import-torch --json: layout, variant and config of the written run', async () => {
  const file = join(scratch, 'm.pth');
  writeTorchFixture('model', file, { inChannels: 1, filters: [4, 8], latent: 2, flow: 'radial', flowSteps: 1, size: 8 });
  const out = await runCommandCapturingStdout(register, ['import-torch', file, '--out', join(scratch, 'run'), '--size', '8', '--json']);
  const r = JSON.parse(out) as { layout: string; variant: string; modelConfig: { filters: number[]; latent: number }; tensors: number };
  assert.deepEqual([r.layout, r.variant, r.modelConfig.filters, r.modelConfig.latent], ['flowseg', 'probunet+radial1', [4, 8], 2]);
});
