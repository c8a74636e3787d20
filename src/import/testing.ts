/** Test helpers: torch.save fixtures written by /usr/bin/python3 + Debian's python3-torch (never a runtime dependency). */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { packageRoot } from '../util/paths.js';

const PYTHON = '/usr/bin/python3';

let available: boolean | undefined;

/**
 * These tests do not skip: the test setup (`npm test` → `scripts/setup.sh --with-tests`) installs
 * Debian's python3-torch and python3-numpy, so a machine without them has a broken setup.
 */
function requireTorch(): void {
  available ??= spawnSync(PYTHON, ['-c', 'import torch, numpy'], { stdio: 'ignore' }).status === 0;
  if (!available) {
    throw new Error(
      `${PYTHON} cannot import torch and numpy, which the PyTorch parity tests need: run \`bash scripts/setup.sh --with-tests\` (installs Debian's python3-torch python3-numpy)`,
    );
  }
}

/** Runs src/import/torch_fixtures.py; throws with its stderr on failure. */
export function writeTorchFixture(kind: 'reader' | 'model' | 'knegt', out: string, spec?: object): void {
  requireTorch();
  const script = join(packageRoot(), 'src', 'import', 'torch_fixtures.py');
  const args = [script, kind, out, ...(spec ? [JSON.stringify(spec)] : [])];
  const r = spawnSync(PYTHON, args, { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' } });
  if (r.status !== 0) throw new Error(`torch_fixtures.py ${kind} failed: ${r.stderr}`);
}
