import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const isFlowsegPackage = (file: string): boolean => existsSync(file) && (JSON.parse(readFileSync(file, 'utf8')) as { name?: string }).name === 'flowseg';

let root: string | undefined;

/** The package root (the folder holding flowseg's package.json: a clone, or an npm install without src/), found from this file. */
export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (isFlowsegPackage(join(dir, 'package.json'))) return (root = dir);
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
