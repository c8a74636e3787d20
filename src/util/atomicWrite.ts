import { renameSync, writeFileSync, rmSync, mkdirSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';

/**
 * Writes `data` to `path` atomically: a temp file in the same folder, then rename, so a
 * reader never sees a half-written file and a crash leaves the old file intact.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array | readonly Uint8Array[]): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
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
  }
}
