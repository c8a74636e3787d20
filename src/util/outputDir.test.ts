import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { FlowsegInputError } from './errors.js';
import { checkOutputDir, markOutputDir, OUTPUT_MARKER, writeDirAtomic } from './outputDir.js';
import { sweepStaleTemps } from './temps.js';

const fresh = (): string => mkdtempSync(join(tmpdir(), 'fs-out-'));

test('a new or empty folder is written, and a failure leaves neither output nor temp folder', () => {
  const root = fresh();
  const out = join(root, 'out');
  assert.throws(
    () =>
      writeDirAtomic(out, 'samples', (tmp) => {
        writeFileSync(join(tmp, 'half.txt'), 'half');
        throw new Error('boom');
      }),
    /boom/,
  );
  assert.deepEqual(readdirSync(root), []);
  mkdirSync(out);
  assert.equal(
    writeDirAtomic(out, 'samples', (tmp) => {
      writeFileSync(join(tmp, 'a.png'), 'A');
      return 7;
    }),
    7,
  );
  assert.deepEqual(readdirSync(root), ['out']);
  assert.deepEqual(readdirSync(out).sort(), [OUTPUT_MARKER, 'a.png']);
});

test('its own output of the same kind is replaced; files a user added there survive', () => {
  const root = fresh();
  const out = join(root, 'out');
  writeDirAtomic(out, 'samples', (tmp) => {
    writeFileSync(join(tmp, 'a.png'), 'A1');
    writeFileSync(join(tmp, 'b.png'), 'B1');
  });
  // Whole-folder swap when only flowseg's files are there.
  writeDirAtomic(out, 'samples', (tmp) => writeFileSync(join(tmp, 'a.png'), 'A2'));
  assert.deepEqual(readdirSync(out).sort(), [OUTPUT_MARKER, 'a.png']);
  writeFileSync(join(out, 'notes.txt'), 'mine');
  writeDirAtomic(out, 'samples', (tmp) => writeFileSync(join(tmp, 'c.png'), 'C3'));
  assert.deepEqual(readdirSync(out).sort(), [OUTPUT_MARKER, 'c.png', 'notes.txt']);
  assert.equal(readFileSync(join(out, 'notes.txt'), 'utf8'), 'mine');
  assert.deepEqual(readdirSync(root), ['out'], 'no temp folder left');
});

test('a folder flowseg did not write is refused without --overwrite, kept with it, and never loses a user file', () => {
  const root = fresh();
  const out = join(root, 'mine');
  mkdirSync(out);
  writeFileSync(join(out, 'thesis.tex'), 'precious');
  assert.throws(
    () => checkOutputDir(out, 'samples'),
    (e: Error) => e instanceof FlowsegInputError && /--out .*mine exists and was not written by flowseg.*--overwrite/.test(e.message),
  );
  writeDirAtomic(out, 'samples', (tmp) => writeFileSync(join(tmp, 'a.png'), 'A'), { overwrite: true });
  assert.equal(readFileSync(join(out, 'thesis.tex'), 'utf8'), 'precious');
  assert.ok(existsSync(join(out, 'a.png')));
  // A name clash with a user's file is an error, before anything moves.
  const other = join(root, 'other');
  mkdirSync(other);
  writeFileSync(join(other, 'a.png'), 'user');
  assert.throws(
    () => writeDirAtomic(other, 'samples', (tmp) => writeFileSync(join(tmp, 'a.png'), 'A'), { overwrite: true }),
    /would replace a\.png, which it did not write/,
  );
  assert.equal(readFileSync(join(other, 'a.png'), 'utf8'), 'user');
  assert.deepEqual(readdirSync(root).sort(), ['mine', 'other']);
});

test('output of another kind, a plain file, /, home, the cwd and its parents are refused', () => {
  const root = fresh();
  const out = join(root, 'ev');
  writeDirAtomic(out, 'evaluation', (tmp) => writeFileSync(join(tmp, 'summary.json'), '{}'));
  assert.throws(() => checkOutputDir(out, 'samples'), /holds flowseg evaluation output, not samples output/);
  const file = join(root, 'file.txt');
  writeFileSync(file, 'x');
  assert.throws(() => checkOutputDir(file, 'samples', { overwrite: true }), /is a file, not a folder/);
  assert.throws(() => checkOutputDir(join(file, 'sub'), 'samples'), /is a file; choose a folder path/);
  for (const p of ['/', homedir(), '.', process.cwd(), dirname(process.cwd())]) {
    assert.throws(() => checkOutputDir(p, 'samples', { overwrite: true }), /flowseg never writes there/, p);
  }
});

test('temp folders of dead processes are swept, those of live ones kept; exiting mid-write removes the own temp', () => {
  const root = fresh();
  mkdirSync(join(root, '.out.flowseg-tmp-999999999-1'));
  mkdirSync(join(root, `.out.flowseg-tmp-${process.pid}-1`));
  assert.deepEqual(sweepStaleTemps(root, 'out'), ['.out.flowseg-tmp-999999999-1']);
  assert.deepEqual(readdirSync(root), [`.out.flowseg-tmp-${process.pid}-1`]);
  const script = `
    import { writeDirAtomic } from ${JSON.stringify(new URL('./outputDir.js', import.meta.url).href)};
    writeDirAtomic(${JSON.stringify(join(root, 'sig'))}, 'samples', () => process.exit(3));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20000 });
  assert.equal(r.status, 3, r.stderr);
  assert.deepEqual(
    readdirSync(root).filter((e) => e.includes('sig')),
    [],
  );
});

test('SIGINT or SIGTERM during synchronous work (engine loaded) removes the staged folder', (t) => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    const root = fresh();
    const script = `
      await import(${JSON.stringify(new URL('../tensor/native.js', import.meta.url).href)});
      const { writeDirAtomic } = await import(${JSON.stringify(new URL('./outputDir.js', import.meta.url).href)});
      writeDirAtomic(${JSON.stringify(join(root, 'out'))}, 'samples', (tmp) => {
        process.kill(process.pid, ${JSON.stringify(signal)});
        const end = Date.now() + 10000; while (Date.now() < end) {} // synchronous work: no JS handler could run
      });`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30000 });
    if (r.stderr.includes('native engine is not built')) return t.skip('no addon');
    assert.equal(r.signal, signal, r.stderr);
    assert.deepEqual(readdirSync(root), [], `${signal}: the temp folder is gone`);
  }
});

test('a marker temp left by a kill mid-write counts as flowseg own; the marker is replaced whole', () => {
  const root = fresh();
  const out = join(root, 'run');
  mkdirSync(out);
  writeFileSync(join(out, `${OUTPUT_MARKER}.4242.tmp`), '{"flowseg":"out');
  assert.equal(checkOutputDir(out, 'run'), 'new');
  markOutputDir(out, 'run', ['log.jsonl']);
  assert.deepEqual(readdirSync(out), [OUTPUT_MARKER]);
  assert.deepEqual(JSON.parse(readFileSync(join(out, OUTPUT_MARKER), 'utf8')).entries, ['log.jsonl']);
  assert.equal(checkOutputDir(out, 'run'), 'own');
  writeFileSync(join(out, 'notes.txt'), 'mine');
  rmSync(join(out, OUTPUT_MARKER));
  assert.throws(() => checkOutputDir(out, 'run'), FlowsegInputError);
});
