#!/usr/bin/env node
// The hostile-input corpus (issue 13): every case is a few small files that lie in one way,
// a flowseg command line, and what must happen — exit 2 with one line naming the culprit,
// no stack trace, bounded memory and time, nothing changed outside --out.
//
// Case format (see README.md beside this file), extensible by adding objects to a list:
//   { name, files: { 'rel/path': Buffer | string | (ctx) => Buffer | string },
//     argv: [...] with placeholders {dir} (the case folder), {out} ({dir}/out), {run} (a tiny
//     trained run, when needsRun), {busyPort} (a port held open by the harness),
//     env?: { VAR: value }, needsRun?: true, needsViewer?: true,
//     expect: { exit: 2, stderr: RegExp }, pending?: 'who must fix what' }
//
// Usage: node scripts/hostile/make-corpus.mjs <dir> [name-substring…]
//   writes each case's files into <dir>/<name>/ and prints the manifest (argv, expectations).
//   Cases that need a trained run get {run} = <dir>/_run only if it exists.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { cliCases } from './cases-cli.mjs';
import { imageCases } from './cases-images.mjs';
import { niftiCases } from './cases-nifti.mjs';
import { npzCases } from './cases-npz.mjs';
import { pickleCases } from './cases-pickle.mjs';
import { scanCases } from './cases-scan.mjs';

/** Every case, in a stable order; names are unique. */
export function allCases() {
  const cases = [...imageCases, ...niftiCases, ...npzCases, ...pickleCases, ...scanCases, ...cliCases];
  const seen = new Set();
  for (const c of cases) {
    if (seen.has(c.name)) throw new Error(`duplicate hostile case name ${c.name}`);
    seen.add(c.name);
  }
  return cases;
}

/** Writes a case's files under `dir`; `ctx` = { dir, run } is passed to lazy file builders. */
export function materialize(c, dir, ctx) {
  mkdirSync(dir, { recursive: true });
  for (const [rel, value] of Object.entries(c.files)) {
    const path = join(dir, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, typeof value === 'function' ? value({ ...ctx, dir }) : value);
  }
}

/** The command line with placeholders filled in. */
export function expandArgv(c, vars) {
  return c.argv.map((a) => a.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m)));
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  const [root, ...filters] = process.argv.slice(2);
  if (!root) {
    console.error('usage: node scripts/hostile/make-corpus.mjs <dir> [name-substring…]');
    process.exit(2);
  }
  const run = join(root, '_run');
  const manifest = [];
  for (const c of allCases()) {
    if (filters.length > 0 && !filters.some((f) => c.name.includes(f))) continue;
    if (c.needsRun && !existsSync(run)) continue;
    const dir = join(root, c.name);
    materialize(c, dir, { run });
    manifest.push({
      name: c.name,
      argv: expandArgv(c, { dir, out: join(dir, 'out'), run }),
      env: c.env ?? {},
      exit: c.expect.exit,
      stderr: c.expect.stderr.source,
      pending: c.pending,
    });
  }
  writeFileSync(join(root, 'manifest.json'), `${JSON.stringify(manifest, null, 1)}\n`);
  console.log(`${manifest.length} cases in ${root} (manifest.json)`);
}
