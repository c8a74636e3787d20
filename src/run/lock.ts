import { closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { FlowsegInputError } from '../util/errors.js';
import { processAlive } from '../util/temps.js';
import { runFile } from './paths.js';

/**
 * One writer per run folder: `train` and `--resume` hold run.lock while they run. The lock
 * file is created exclusively (O_EXCL) and names its holder; a lock whose process is gone
 * (same host, pid not alive) is stale and taken over.
 */
interface Holder {
  pid: number;
  host: string;
  since: string;
}

function readHolder(path: string): Holder | null {
  try {
    const h = JSON.parse(readFileSync(path, 'utf8')) as Partial<Holder>;
    return typeof h.pid === 'number' && typeof h.host === 'string' ? { pid: h.pid, host: h.host, since: String(h.since ?? '?') } : null;
  } catch {
    return null;
  }
}

export interface RunLock {
  release(): void;
}

export function lockRun(dir: string): RunLock {
  const path = runFile(dir, 'lock');
  const me: Holder = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const h = readHolder(path);
      const stale = h === null ? false : h.host === me.host && !processAlive(h.pid);
      if (stale || (h === null && attempt === 0 && emptyLock(path))) {
        rmSync(path, { force: true });
        continue;
      }
      const who = h ? `process ${h.pid} on ${h.host} (since ${h.since})` : 'another process';
      throw new FlowsegInputError(`${dir} is in use by ${who}; wait for it to finish, or stop it — if that process is gone for good, delete ${path}`);
    }
    writeSync(fd, JSON.stringify(me));
    closeSync(fd);
    let held = true;
    const release = (): void => {
      if (!held) return;
      held = false;
      process.off('exit', release);
      if (readHolder(path)?.pid === me.pid) rmSync(path, { force: true });
    };
    process.on('exit', release);
    return { release };
  }
  throw new FlowsegInputError(`${path}: could not take the run lock; delete it if no flowseg process uses ${dir}`);
}

/** A lock file left empty by a process killed between create and write (older than 10 s: not one being written now). */
function emptyLock(path: string): boolean {
  try {
    return readFileSync(path, 'utf8').trim() === '' && Date.now() - statSync(path).mtimeMs > 10_000;
  } catch {
    return true;
  }
}
