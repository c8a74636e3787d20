/** Test helpers: torch.save fixtures written by /usr/bin/python3 + Debian's python3-torch (never a runtime dependency). */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { packageRoot } from '../util/paths.js';

const PYTHON = '/usr/bin/python3';

let available: boolean | undefined;

/** Why the torch fixtures cannot be made here, or undefined when python3 can import torch. */
export function torchMissing(): string | undefined {
  available ??= spawnSync(PYTHON, ['-c', 'import torch, numpy'], { stdio: 'ignore' }).status === 0;
  return available ? undefined : `${PYTHON} cannot import torch (apt install python3-torch) — skipped`;
}

/** Runs src/import/torch_fixtures.py; throws with its stderr on failure. */
export function writeTorchFixture(kind: 'reader' | 'model' | 'knegt', out: string, spec?: object): void {
  const script = join(packageRoot(), 'src', 'import', 'torch_fixtures.py');
  const args = [script, kind, out, ...(spec ? [JSON.stringify(spec)] : [])];
  const r = spawnSync(PYTHON, args, { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' } });
  if (r.status !== 0) throw new Error(`torch_fixtures.py ${kind} failed: ${r.stderr}`);
}
