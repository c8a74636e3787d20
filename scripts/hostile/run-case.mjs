#!/usr/bin/env node
// Runs hostile cases through the real CLI (node bin/flowseg.js …) and measures what the issue
// bounds: exit code, stderr, wall time, peak RSS (GNU time's %M, else /proc VmHWM polling),
// files changed outside --out, temp files left. Used by src/cli/hostile.test.ts.
//
// Usage: node scripts/hostile/run-case.mjs [name-substring…]   (prints one line per case)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { allCases, expandArgv, materialize } from './make-corpus.mjs';

export const ROOT = resolve(new URL('../..', import.meta.url).pathname);
export const LIMITS = { seconds: 20, peakKb: 1024 * 1024 };
const GNU_TIME = '/usr/bin/time';
const hasGnuTime =
  process.env.FLOWSEG_HOSTILE_NO_GNU_TIME !== '1' && existsSync(GNU_TIME) && spawnSync(GNU_TIME, ['-f', '%M', 'true'], { encoding: 'utf8' }).status === 0;

/** path → "size mtime" for every file and folder under `dir` except `skip` (the --out). */
export function snapshot(dir, skip = new Set()) {
  const out = new Map();
  if (!existsSync(dir)) return out;
  for (const rel of readdirSync(dir, { recursive: true }).map(String)) {
    const path = join(dir, rel);
    if ([...skip].some((s) => path === s || path.startsWith(`${s}/`))) continue;
    const st = statSync(path);
    out.set(rel, `${st.isDirectory() ? 'dir' : st.size} ${st.mtimeMs}`);
  }
  return out;
}

export function diffSnapshots(before, after) {
  const changed = [];
  for (const [k, v] of after) if (before.get(k) !== v) changed.push(before.has(k) ? `changed ${k}` : `new ${k}`);
  for (const k of before.keys()) if (!after.has(k)) changed.push(`removed ${k}`);
  return changed;
}

/** Trains the tiny run the sample/evaluate cases need (once per corpus run, ~3 s). */
export function trainTinyRun(run) {
  const r = spawnSync(
    process.execPath,
    [
      join(ROOT, 'bin', 'flowseg.js'),
      'train',
      '--data',
      'synthetic',
      '--synthetic-items',
      '24',
      '--synthetic-size',
      '16',
      '--filters',
      '4,8',
      '--latent',
      '2',
      '--batch-size',
      '4',
      '--max-steps',
      '2',
      '--out',
      run,
    ],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`training the tiny run failed:\n${r.stderr}`);
}

/** A port held open by this process, for the "port already in use" case. */
export async function holdPort() {
  const server = createServer();
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return { port: server.address().port, close: () => new Promise((ok) => server.close(ok)) };
}

/** True when viewer/dist is built and newer than viewer/src (so `view` would not run Vite). */
export function viewerFresh() {
  const built = join(ROOT, 'viewer', 'dist', 'index.html');
  if (!existsSync(built)) return false;
  const t = statSync(built).mtimeMs;
  const src = join(ROOT, 'viewer', 'src');
  const sources = [join(ROOT, 'viewer', 'index.html'), ...(existsSync(src) ? readdirSync(src).map((f) => join(src, f)) : [])];
  return sources.every((f) => !existsSync(f) || statSync(f).mtimeMs <= t);
}

/** Peak RSS by polling /proc (fallback when GNU time is missing). */
function pollPeak(pid, onPeak) {
  const timer = setInterval(() => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) onPeak(Number(m[1]));
    } catch {
      /* exited */
    }
  }, 25);
  return () => clearInterval(timer);
}

/**
 * Materializes and runs one case under `root`; `ctx` = { run, busyPort }. Returns what was
 * measured; judging is left to the caller.
 */
export async function runCase(c, root, ctx) {
  const dir = join(root, c.name);
  const out = join(dir, 'out');
  const tmp = join(root, `${c.name}.tmp`);
  materialize(c, dir, { run: ctx.run });
  mkdirSync(tmp, { recursive: true });
  const watched = [dir, ...(c.needsRun ? [ctx.run] : [])];
  const before = watched.map((d) => snapshot(d, new Set([out])));
  const argv = expandArgv(c, { dir, out, run: ctx.run, busyPort: ctx.busyPort });
  const node = [join(ROOT, 'bin', 'flowseg.js'), ...argv];
  const timeFile = join(tmp, '..', `${c.name}.time`);
  const [cmd, args] = hasGnuTime ? [GNU_TIME, ['-f', '%M', '-o', timeFile, process.execPath, ...node]] : [process.execPath, node];
  const env = { ...process.env, ...(c.env ?? {}), TMPDIR: tmp };
  delete env.FLOWSEG_DEBUG;
  const started = performance.now();
  // Own process group, so a timeout kills flowseg too, not only GNU time.
  const child = spawn(cmd, args, { env, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  let polled = 0;
  const stopPolling = hasGnuTime ? () => {} : pollPeak(child.pid, (kb) => (polled = Math.max(polled, kb)));
  let timedOut = false;
  const killer = setTimeout(
    () => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    },
    (LIMITS.seconds + 2) * 1000,
  );
  const [code, signal] = await new Promise((ok) => child.on('close', (code, signal) => ok([code, signal])));
  clearTimeout(killer);
  stopPolling();
  const seconds = (performance.now() - started) / 1000;
  let peakKb = polled;
  if (hasGnuTime && existsSync(timeFile)) {
    const nums = readFileSync(timeFile, 'utf8')
      .trim()
      .split('\n')
      .filter((l) => /^\d+$/.test(l));
    peakKb = Number(nums.at(-1) ?? 0);
    rmSync(timeFile, { force: true });
  }
  const changed = watched.flatMap((d, i) => diffSnapshots(before[i], snapshot(d, new Set([out]))).map((x) => `${relative(root, d) || d}: ${x}`));
  const tempsLeft = readdirSync(tmp);
  rmSync(tmp, { recursive: true, force: true });
  return { code, signal, timedOut, stdout, stderr, seconds, peakKb, changed, tempsLeft, outExists: existsSync(out), argv };
}

/** Problems with a result, as short strings (empty = the case passed). */
export function judge(c, r) {
  const problems = [];
  if (r.timedOut) problems.push(`killed after ${r.seconds.toFixed(1)} s`);
  if (r.code !== c.expect.exit) problems.push(`exit ${r.code ?? r.signal}, expected ${c.expect.exit}`);
  if (/^\s+at .+/m.test(r.stderr)) problems.push('stack trace in stderr');
  const lines = r.stderr.split('\n').filter((l) => l.startsWith('flowseg: '));
  if (lines.length !== 1) problems.push(`${lines.length} 'flowseg:' lines in stderr`);
  if (!c.expect.stderr.test(r.stderr)) problems.push(`stderr does not match ${c.expect.stderr}`);
  if (r.seconds > LIMITS.seconds) problems.push(`took ${r.seconds.toFixed(1)} s > ${LIMITS.seconds} s`);
  if (r.peakKb > LIMITS.peakKb) problems.push(`peak RSS ${(r.peakKb / 1024).toFixed(0)} MB > 1 GB`);
  if (r.changed.length > 0) problems.push(`changed outside --out: ${r.changed.slice(0, 5).join(', ')}`);
  if (r.tempsLeft.length > 0) problems.push(`temp files left: ${r.tempsLeft.join(', ')}`);
  if (r.outExists && !c.files.out) problems.push('--out was created by a failing command');
  return problems;
}

/** Runs `cases` with at most `concurrency` at a time; `each(c, result)` sees results as they finish. */
export async function runCorpus(cases, { concurrency = 2, each = () => {} } = {}) {
  const root = mkdtempSync(join(tmpdir(), 'flowseg-hostile-'));
  const run = join(root, '_run');
  if (cases.some((c) => c.needsRun)) trainTinyRun(run);
  const busy = await holdPort();
  const queue = [...cases];
  const results = new Map();
  try {
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let c = queue.shift(); c; c = queue.shift()) {
          const r = await runCase(c, root, { run, busyPort: busy.port });
          results.set(c.name, r);
          await each(c, r);
        }
      }),
    );
  } finally {
    await busy.close();
    rmSync(root, { recursive: true, force: true });
  }
  return results;
}

export { hasGnuTime };

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  const filters = process.argv.slice(2);
  const fresh = viewerFresh();
  const cases = allCases().filter((c) => (filters.length === 0 || filters.some((f) => c.name.includes(f))) && (!c.needsViewer || fresh));
  const t0 = performance.now();
  let bad = 0;
  await runCorpus(cases, {
    each: (c, r) => {
      const p = judge(c, r);
      if (p.length > 0 && !c.pending) bad++;
      const tag = p.length === 0 ? 'ok  ' : c.pending ? 'TODO' : 'FAIL';
      console.log(
        `${tag} ${c.name.padEnd(48)} exit ${r.code} ${r.seconds.toFixed(1).padStart(5)} s ${(r.peakKb / 1024).toFixed(0).padStart(5)} MB  ${p.join('; ')}${p.length ? `\n     ${r.stderr.trim().split('\n').slice(-3).join('\n     ')}` : ''}`,
      );
    },
  });
  console.log(`${cases.length} cases in ${((performance.now() - t0) / 1000).toFixed(0)} s; ${bad} failing (TODO cases excluded)`);
  process.exit(bad > 0 ? 1 : 0);
}
