import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { tinyTreeFiles, writeTree } from '../data/lidcPngTree.fixture.js';
import { FLOWSEG_BIN, runCli } from '../testing/cli.js';

const flowseg = (...args: string[]) => runCli(args);

test('prepare --json and data info --json print the same summary', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowseg-cli-'));
  try {
    const out = join(dir, 'syn');
    const p = flowseg('prepare', '--format', 'synthetic', 'synthetic', '--items', '12', '--size', '16', '--out', out, '--json');
    assert.equal(p.status, 0, p.stderr);
    const prep = JSON.parse(p.stdout);
    assert.deepEqual(Object.keys(prep).slice(0, 6), ['items', 'patients', 'raters', 'height', 'width', 'nonEmptyRaters']);
    assert.deepEqual([prep.items, prep.patients, prep.raters, prep.height, prep.width], [12, 3, 4, 16, 16]);
    const info = flowseg('data', 'info', out, '--json');
    assert.equal(info.status, 0, info.stderr);
    const summary = JSON.parse(info.stdout);
    for (const k of ['items', 'patients', 'raters', 'height', 'width', 'nonEmptyRaters', 'imageRange']) {
      assert.deepEqual(summary[k], prep[k], k);
    }
    const human = flowseg('data', 'info', out);
    assert.match(human.stdout, /items\s+12/);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('prepare --format lidc-png reads a tree', () => {
  const root = writeTree(tinyTreeFiles());
  try {
    const r = flowseg('prepare', '--format', 'lidc-png', root, '--out', join(root, '..', `${root.split('/').pop()}-out`), '--json');
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).nonEmptyRaters, { '0': 0, '1': 0, '2': 0, '3': 12, '4': 0 });
  } finally {
    rmSync(root, { recursive: true });
    rmSync(`${root}-out`, { recursive: true, force: true });
  }
});

test('bad input exits 2 with one line and leaves nothing in --out', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowseg-cli-'));
  try {
    const evil = join(dir, 'evil.pickle');
    writeFileSync(evil, Buffer.concat([Buffer.from([0x80, 0x02, 0x7d]), Buffer.from('cos\nsystem\n'), Buffer.from([0x2e])]));
    const out = join(dir, 'out');
    const r = flowseg('prepare', '--format', 'lidc-pickle', evil, '--out', out);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^flowseg: .*evil\.pickle names the Python global 'os\.system'/);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.ok(!existsSync(out));
    assert.deepEqual(readdirSync(dir), ['evil.pickle']);
    const u = flowseg('prepare', '--format', 'nope', evil, '--out', out);
    assert.equal(u.status, 2);
    assert.match(u.stderr, /unknown format 'nope'; use one of: lidc-pickle, lidc-png/);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('SIGINT or SIGTERM while preparing removes the staging folder', async () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    const dir = mkdtempSync(join(tmpdir(), 'fs-prep-sig-'));
    const child = spawn(process.execPath, [FLOWSEG_BIN, 'prepare', 'synthetic', '--format', 'synthetic', '--items', '200000', '--out', join(dir, 'p')], {
      stdio: 'ignore',
    });
    const t0 = Date.now();
    while (!readdirSync(dir).some((e) => e.includes('flowseg-tmp')) && Date.now() - t0 < 30_000) await new Promise((r) => setTimeout(r, 50));
    assert.ok(
      readdirSync(dir).some((e) => e.includes('flowseg-tmp')),
      'staging folder appeared',
    );
    child.kill(signal);
    const code = await new Promise<string | null>((resolve) => child.on('exit', (_c, s) => resolve(s)));
    assert.equal(code, signal);
    assert.deepEqual(readdirSync(dir), [], `${signal}: nothing left`);
  }
});
