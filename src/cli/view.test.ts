// `flowseg view` as a user starts it: with no --model it serves the first shipped model and
// lists the others for the page's model picker; with no model anywhere it is one line, exit 2.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FLOWSEG_BIN as BIN, runCli } from '../testing/cli.js';
import { exampleCard, writeModelFolder } from '../zoo/testing.js';
import { ensureViewerBuilt } from '../export/viewServer.js';

test('flowseg view without --model: the first shipped model, the others listed in models.json', async () => {
  ensureViewerBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'fs-view-cli-'));
  writeModelFolder(dir, exampleCard('lidc-a', { summary: 'first model' }), 'bytes of a');
  writeModelFolder(dir, exampleCard('lidc-b', { summary: 'second model' }), 'bytes of b');
  const child = spawn(process.execPath, [BIN, 'view', '--port', '0'], { env: { ...process.env, FLOWSEG_MODELS_DIR: dir }, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const url = await new Promise<string>((ok, fail) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /flowseg viewer: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
        if (m) ok(m[1] as string);
      });
      child.once('exit', (code) => fail(new Error(`flowseg view exited with ${code}: ${out}`)));
    });
    const list = (await (await fetch(`${url}models.json`)).json()) as { models: { name: string; summary: string; url: string }[] };
    assert.deepEqual(list.models, [
      { name: 'lidc-a', summary: 'first model', url: 'model.onnx' },
      { name: 'lidc-b', summary: 'second model', url: 'models/lidc-b/model.onnx' },
    ]);
    assert.equal(await (await fetch(`${url}model.onnx`)).text(), 'bytes of a');
    assert.equal(await (await fetch(`${url}models/lidc-b/model.onnx`)).text(), 'bytes of b');
    assert.equal((await fetch(`${url}lidc-sample.png`)).status, 200, 'the real LIDC crop the page opens with');
  } finally {
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
});

test('flowseg view with no shipped model and no --model: one line naming --model, exit 2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fs-view-cli-'));
  try {
    const r = runCli(['view', '--port', '0'], { env: { ...process.env, FLOWSEG_MODELS_DIR: dir } });
    assert.equal(r.status, 2);
    assert.match(r.stderr.trim(), /--model/);
    assert.equal(r.stderr.trim().split('\n').length, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
