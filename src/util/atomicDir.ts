import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/**
 * Fills a temp folder beside `out`, then swaps it in for `out` (replacing an older one), so
 * a failure part-way leaves neither a half-written `out` nor the temp folder behind.
 */
export function writeDirAtomic<T>(out: string, fill: (tmp: string) => T): T {
  const parent = dirname(resolve(out));
  const tmp = join(parent, `.${basename(out)}.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  let result: T;
  try {
    result = fill(tmp);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  if (existsSync(out)) rmSync(out, { recursive: true });
  renameSync(tmp, out);
  return result;
}
