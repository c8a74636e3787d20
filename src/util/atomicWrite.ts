import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { registerTemp, tempName, unregisterTemp } from './temps.js';

/**
 * Writes `data` to `path` atomically: a temp file in the same folder, then rename, so a
 * reader never sees a half-written file and a crash leaves the old file intact. The temp
 * name carries the pid, so a killed writer's leftover is swept by the next run (temps.ts).
 */
export function writeFileAtomic(path: string, data: string | Uint8Array | readonly Uint8Array[]): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = join(dirname(path), tempName(basename(path), 'tmp'));
  registerTemp(tmp);
  try {
    if (Array.isArray(data)) {
      writeFileSync(tmp, Buffer.concat(data as Uint8Array[]));
    } else {
      writeFileSync(tmp, data as string | Uint8Array);
    }
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  } finally {
    unregisterTemp(tmp);
  }
}
