import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { FlowsegInputError } from './errors.js';
import { registerTemp, sweepStaleTemps, tempName, unregisterTemp } from './temps.js';

/**
 * The one output policy of every command (issue 13): flowseg writes only into a new or empty
 * folder, or into a folder it wrote itself for the same purpose (marked by OUTPUT_MARKER, which
 * lists the entries flowseg put there). It never deletes what it did not write.
 */
export const OUTPUT_MARKER = '.flowseg-output.json';

/** What a folder written by flowseg holds; a folder may only be replaced by output of its own kind. */
export type OutputKind = 'samples' | 'evaluation' | 'report' | 'main' | 'run' | 'prepared' | 'experiment';

interface Marker {
  flowseg: 'output';
  kind: OutputKind;
  /** Top-level entries flowseg wrote (the marker itself excluded). */
  entries: string[];
}

export interface OutputOptions {
  /** Allows writing into a folder that is not flowseg's (or of another kind): only flowseg's own files are replaced. */
  overwrite?: boolean;
  /** The flag that named the folder, for messages (default `--out`). */
  flag?: string;
}

/** How `out` will be written: created, its own earlier output replaced, or merged into a folder flowseg does not own. */
export type OutputMode = 'new' | 'own' | 'merge';

function readMarker(dir: string): Marker | undefined {
  try {
    const m = JSON.parse(readFileSync(join(dir, OUTPUT_MARKER), 'utf8')) as Partial<Marker>;
    if (m.flowseg === 'output' && typeof m.kind === 'string' && Array.isArray(m.entries)) {
      return { flowseg: 'output', kind: m.kind, entries: m.entries.filter((e): e is string => typeof e === 'string' && safeEntry(e)) };
    }
  } catch {
    // no marker, or not ours
  }
  return undefined;
}

/** An entry name from a marker must stay inside the folder. */
const safeEntry = (e: string): boolean => e !== '' && e !== '.' && e !== '..' && !e.includes('/') && !e.includes('\\');

/** Folders flowseg never writes into nor replaces, whatever the flags: /, home, the cwd and its parents. */
function protectedReason(out: string): string | undefined {
  const real = existsSync(out) ? realpathSync(out) : out;
  if (real === sep || real === resolve('/')) return 'is the filesystem root';
  const home = homedir();
  if (home && (real === resolve(home) || (existsSync(home) && real === realpathSync(home)))) return 'is your home folder';
  const cwd = realpathSync(process.cwd());
  if (real === cwd) return 'is the current folder';
  if (cwd.startsWith(real.endsWith(sep) ? real : real + sep)) return 'is a parent of the current folder';
  return undefined;
}

/** Decides how `out` may be written as a `kind` output, or throws a FlowsegInputError naming the flag and the fix. */
export function checkOutputDir(outPath: string, kind: OutputKind, o: OutputOptions = {}): OutputMode {
  const flag = o.flag ?? '--out';
  const out = resolve(outPath);
  const reason = protectedReason(out);
  if (reason) throw new FlowsegInputError(`${flag} ${outPath} ${reason}; flowseg never writes there — choose a new folder`);
  if (!existsSync(out)) {
    if (lstatSync(dirname(out), { throwIfNoEntry: false })?.isFile()) {
      throw new FlowsegInputError(`${flag} ${outPath}: ${dirname(outPath)} is a file; choose a folder path`);
    }
    return 'new';
  }
  if (!statSync(out).isDirectory()) throw new FlowsegInputError(`${flag} ${outPath} is a file, not a folder; choose a new folder`);
  // A marker temp left by a process killed while writing the marker is flowseg's own, not the user's.
  const entries = readdirSync(out).filter((e) => !isMarkerTemp(e));
  if (entries.length === 0) return 'new';
  const marker = readMarker(out);
  if (marker?.kind === kind) return 'own';
  if (o.overwrite) return 'merge';
  const what = marker ? `holds flowseg ${marker.kind} output, not ${kind} output` : 'exists and was not written by flowseg';
  throw new FlowsegInputError(`${flag} ${outPath} ${what}; choose a new folder, or pass --overwrite (flowseg then replaces only the files it writes)`);
}

/** Writes the marker listing `entries` into `dir` (for folders filled in place, like a run folder). */
export function markOutputDir(dir: string, kind: OutputKind, entries: readonly string[] = []): void {
  const old = readMarker(dir);
  const all = [...new Set([...(old?.kind === kind ? old.entries : []), ...entries])].filter((e) => e !== OUTPUT_MARKER).sort();
  const marker: Marker = { flowseg: 'output', kind, entries: all };
  // Atomic (temp + rename): a kill mid-write must not leave a truncated marker, which would
  // make flowseg refuse its own folder.
  for (const e of readdirSync(dir)) if (isMarkerTemp(e)) rmSync(join(dir, e), { force: true });
  const tmp = join(dir, `${OUTPUT_MARKER}.${process.pid}.tmp`);
  writeFileSync(tmp, `${JSON.stringify(marker)}\n`);
  renameSync(tmp, join(dir, OUTPUT_MARKER));
}

const isMarkerTemp = (entry: string): boolean => entry.startsWith(`${OUTPUT_MARKER}.`) && entry.endsWith('.tmp');

/**
 * Moves the staged folder `tmp` into `out` according to `mode`. `own`: entries of the old
 * output that the new one lacks are removed, files a user added are kept. `merge`: nothing of
 * the user's is replaced; a name clash is an error before anything moves.
 */
function commit(tmp: string, out: string, kind: OutputKind, mode: OutputMode, flag: string, outPath: string): void {
  const fresh = readdirSync(tmp).filter((e) => e !== OUTPUT_MARKER);
  if (mode === 'new') {
    markOutputDir(tmp, kind, fresh);
    if (existsSync(out)) rmdirSync(out); // an empty folder only (checked), so nothing is lost
    renameSync(tmp, out);
    return;
  }
  const old = readMarker(out);
  const owned = new Set(old?.kind === kind ? old.entries : []);
  const present = readdirSync(out).filter((e) => e !== OUTPUT_MARKER);
  const foreign = present.filter((e) => !owned.has(e));
  const clash = fresh.filter((e) => foreign.includes(e));
  if (clash.length > 0) {
    throw new FlowsegInputError(
      `${flag} ${outPath}: flowseg would replace ${clash.slice(0, 3).join(', ')}, which it did not write; move ${clash.length > 1 ? 'them' : 'it'} away or choose a new folder`,
    );
  }
  if (foreign.length === 0) {
    // Only flowseg's files are there: swap whole folders, so readers never see a mix.
    markOutputDir(tmp, kind, fresh);
    const aside = join(dirname(out), tempName(basename(out), 'old'));
    registerTemp(aside);
    renameSync(out, aside);
    renameSync(tmp, out);
    rmSync(aside, { recursive: true, force: true });
    unregisterTemp(aside);
    return;
  }
  for (const e of present) if (owned.has(e)) rmSync(join(out, e), { recursive: true, force: true });
  for (const e of fresh) renameSync(join(tmp, e), join(out, e));
  markOutputDir(out, kind, fresh);
  rmSync(tmp, { recursive: true, force: true });
}

/** A staging folder beside `out`; `commit()` moves it in under the output policy, `abort()` removes it. */
export interface StagedDir {
  tmp: string;
  mode: OutputMode;
  commit(): void;
  abort(): void;
}

export function stageOutputDir(outPath: string, kind: OutputKind, o: OutputOptions = {}): StagedDir {
  const mode = checkOutputDir(outPath, kind, o);
  const out = resolve(outPath);
  const parent = dirname(out);
  mkdirSync(parent, { recursive: true });
  sweepStaleTemps(parent, basename(out));
  const tmp = join(parent, tempName(basename(out), 'tmp'));
  registerTemp(tmp);
  mkdirSync(tmp);
  const abort = (): void => {
    rmSync(tmp, { recursive: true, force: true });
    unregisterTemp(tmp);
  };
  return {
    tmp,
    mode,
    abort,
    commit: () => {
      try {
        commit(tmp, out, kind, mode, o.flag ?? '--out', outPath);
      } finally {
        abort();
      }
    },
  };
}

/**
 * Fills a temp folder beside `out`, then moves it in under the output policy, so a failure
 * part-way leaves neither a half-written `out` nor the temp folder behind.
 */
export function writeDirAtomic<T>(out: string, kind: OutputKind, fill: (tmp: string) => T, o: OutputOptions = {}): T {
  const staged = stageOutputDir(out, kind, o);
  let result: T;
  try {
    result = fill(staged.tmp);
  } catch (err) {
    staged.abort();
    throw err;
  }
  staged.commit();
  return result;
}

/** The async form of writeDirAtomic. */
export async function writeDirAtomicAsync<T>(out: string, kind: OutputKind, fill: (tmp: string) => Promise<T>, o: OutputOptions = {}): Promise<T> {
  const staged = stageOutputDir(out, kind, o);
  let result: T;
  try {
    result = await fill(staged.tmp);
  } catch (err) {
    staged.abort();
    throw err;
  }
  staged.commit();
  return result;
}
