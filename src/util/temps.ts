import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Temp files and folders flowseg stages beside its outputs. Their names carry the pid, so a
 * later run can tell a dead run's leftovers (swept) from a live run's (kept); the ones of this
 * process are removed when it exits. No JS signal handler is installed for synchronous
 * commands (training, evaluation): a JS handler would only run after the work, so Ctrl-C
 * would stop working. There the engine's native handler removes them (setTempObserver), async
 * commands use removeTempsOnSignals, and leftovers of a kill -9 are swept by the next run.
 */
const live = new Set<string>();
let hooked = false;

/** Told about every temp; the engine installs one that removes them on SIGINT/SIGTERM natively. */
export interface TempObserver {
  add(path: string): void;
  remove(path: string): void;
}
let observer: TempObserver | null = null;

/** Installed by src/tensor/native.ts when the addon loads (synchronous commands: see the file comment). */
export function setTempObserver(o: TempObserver): void {
  observer = o;
  for (const p of live) o.add(p);
}

const TEMP_PATTERN = /^\.(.+)\.flowseg-(?:tmp|old)-(\d+)-\d+$/;

/** `.name.flowseg-tmp-<pid>-<n>`: a hidden sibling of `name` that names its owner process. */
let counter = 0;
export function tempName(name: string, purpose: 'tmp' | 'old'): string {
  counter += 1;
  return `.${name}.flowseg-${purpose}-${process.pid}-${counter}`;
}

function removeAll(): void {
  for (const p of live) rmSync(p, { recursive: true, force: true });
  live.clear();
}

function hook(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', removeAll);
}

/**
 * For commands that stream asynchronously (prepare): SIGINT/SIGTERM remove this process's temps,
 * then end the process as the signal would. (A synchronous command could not run a JS handler
 * until its work ends, so there the next run's sweep removes the leftovers instead.)
 */
export function removeTempsOnSignals(): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      removeAll();
      process.kill(process.pid, signal);
    });
  }
}

/** Removes `path` if this process exits (normally, by process.exit or an uncaught error) before unregistering it. */
export function registerTemp(path: string): void {
  hook();
  live.add(path);
  observer?.add(path);
}

export function unregisterTemp(path: string): void {
  live.delete(path);
  observer?.remove(path);
}

/** Whether process `pid` runs on this machine (EPERM: it does, as another user). */
export function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes leftovers of dead flowseg processes staged beside `name` in `parent`. */
export function sweepStaleTemps(parent: string, name?: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(parent);
  } catch {
    return [];
  }
  const swept: string[] = [];
  for (const e of entries) {
    const m = TEMP_PATTERN.exec(e);
    if (!m || (name !== undefined && m[1] !== name) || processAlive(Number(m[2]))) continue;
    rmSync(join(parent, e), { recursive: true, force: true });
    swept.push(e);
  }
  return swept;
}
