import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root (the folder holding flowseg's package.json), found from this file. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'src'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('flowseg: cannot locate the package root');
    dir = parent;
  }
}

/** `../shared/data` beside the repository, or undefined when absent (a user's clone). */
export function sharedDataDir(): string | undefined {
  const dir = process.env.FLOWSEG_SHARED_DATA ?? resolve(packageRoot(), '..', 'shared', 'data');
  return existsSync(dir) ? dir : undefined;
}
