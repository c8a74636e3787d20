import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { runCli as cli } from '../testing/cli.js';

const tiny = ['--data', 'synthetic', '--synthetic-items', '24', '--synthetic-size', '16', '--filters', '4,8', '--latent', '2', '--batch-size', '4'];

test('train/sample CLI: bad flags and files give one line, exit 2, nothing written', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fs-cli-'));
  const bad = [
    ['train', '--flow', 'bogus', '--out', join(dir, 'a')],
    ['train', '--data', join(dir, 'nope'), '--out', join(dir, 'b')],
    ['train', '--batch-size', '0', '--out', join(dir, 'c')],
    ['sample', '--checkpoint', join(dir, 'nope'), '--image', join(dir, 'x.png'), '--out', join(dir, 'd')],
  ];
  for (const args of bad) {
    const r = cli(args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.ok(r.stderr.trim().length > 0, 'an error message');
    assert.ok(!r.stderr.includes('    at '), `no stack trace: ${r.stderr}`);
  }
  assert.deepEqual(readdirSync(dir), []);
});

test('train → sample → evaluate from the CLI on the synthetic set', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fs-cli-'));
  const run = join(dir, 'run');
  const t = cli(['train', ...tiny, '--flow', 'radial', '--max-steps', '4', '--out', run, '--json']);
  assert.equal(t.status, 0, t.stderr);
  assert.equal(JSON.parse(t.stdout.trim()).steps, 4);
  const png = new PNG({ width: 20, height: 20 });
  for (let i = 0; i < png.data.length; i++) png.data[i] = i % 4 === 3 ? 255 : (i * 7) % 256;
  writeFileSync(join(dir, 'img.png'), PNG.sync.write(png));
  const out = join(dir, 'samples');
  const s = cli(['sample', '--checkpoint', run, '--image', join(dir, 'img.png'), '--resize', '-n', '5', '--out', out, '--seed', '2', '--json']); // 20² → the model's 16²
  assert.equal(s.status, 0, s.stderr);
  const files = readdirSync(out);
  for (const f of ['sample-00.png', 'sample-04.png', 'mean.png', 'std.png', 'grid.png', 'samples.json']) assert.ok(files.includes(f), f);
  const again = cli(['sample', '--checkpoint', run, '--image', join(dir, 'img.png'), '--resize', '-n', '5', '--out', join(dir, 's2'), '--seed', '2', '--json']);
  assert.deepEqual(JSON.parse(again.stdout).foreground, JSON.parse(s.stdout).foreground, 'same seed, same masks');
  const e = cli(['evaluate', '--checkpoint', run, '-n', '4', '--json']);
  assert.equal(e.status, 0, e.stderr);
  assert.ok(existsSync(join(run, 'eval', 'summary.json')));
  const changed = cli(['train', '--out', run, '--resume', '--flow', 'planar', '--max-steps', '6']);
  assert.equal(changed.status, 2, changed.stderr);
  assert.match(changed.stderr, /--flow cannot change a run being resumed/);
  const resume = cli(['train', '--out', run, '--resume', '--max-steps', '6', '--json']);
  assert.equal(resume.status, 0, resume.stderr);
  assert.equal(JSON.parse(resume.stdout.trim()).steps, 6);
});

test("--out holding a user's file: every command refuses with exit 2 and the file survives; --overwrite keeps it too", () => {
  const dir = mkdtempSync(join(tmpdir(), 'fs-cli-'));
  const run = join(dir, 'run');
  assert.equal(cli(['train', ...tiny, '--max-steps', '2', '--out', run]).status, 0);
  assert.equal(cli(['evaluate', '--checkpoint', run, '-n', '2']).status, 0);
  const png = new PNG({ width: 16, height: 16 });
  writeFileSync(join(dir, 'img.png'), PNG.sync.write(png));
  const mine = join(dir, 'mine');
  mkdirSync(mine);
  writeFileSync(join(mine, 'thesis.tex'), 'precious');
  const commands = [
    ['sample', '--checkpoint', run, '--image', join(dir, 'img.png'), '-n', '2', '--out', mine],
    ['evaluate', '--checkpoint', run, '-n', '2', '--out', mine],
    ['train', ...tiny, '--max-steps', '1', '--out', mine],
    ['report', run, '--out', mine],
    ['main', '--out', mine, '--minutes', '0.01'],
    ['main', '--report', mine, '--out', join(dir, 'm'), '--minutes', '0.01'],
    ['prepare', 'synthetic', '--format', 'synthetic', '--out', mine],
  ];
  for (const args of commands) {
    const r = cli(args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /was not written by flowseg/, args[0]);
    assert.equal(readFileSync(join(mine, 'thesis.tex'), 'utf8'), 'precious');
    assert.deepEqual(readdirSync(mine), ['thesis.tex']);
  }
  for (const out of ['/', '.', '..']) {
    const r = cli(['sample', '--checkpoint', run, '--image', join(dir, 'img.png'), '-n', '2', '--out', out, '--overwrite']);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /flowseg never writes there/);
  }
  const ok = cli(['sample', '--checkpoint', run, '--image', join(dir, 'img.png'), '-n', '2', '--out', mine, '--overwrite']);
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(readFileSync(join(mine, 'thesis.tex'), 'utf8'), 'precious');
  assert.ok(existsSync(join(mine, 'sample-01.png')));
  assert.deepEqual(
    readdirSync(dir).filter((e) => e.startsWith('.')),
    [],
    'no temp left',
  );
});
