// The viewer server without a browser: the model list the page reads (models.json: --model's
// file first, then the other shipped models), their files, COOP/COEP, and paths kept inside.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startViewServer } from './viewServer.js';

test('view server: models.json lists --model first then the other shipped models; their files are served; nothing outside', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fs-viewserver-'));
  const dist = join(dir, 'dist');
  mkdirSync(dist);
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>t</title>'); // newer than the sources: not rebuilt
  for (const m of ['a', 'b']) {
    mkdirSync(join(dir, m));
    writeFileSync(join(dir, m, 'model.onnx'), `bytes of ${m}`);
  }
  const server = await startViewServer({
    modelPath: join(dir, 'a', 'model.onnx'),
    modelName: 'lidc-a',
    modelSummary: 'model a',
    models: [
      { name: 'lidc-a', summary: 'model a', path: join(dir, 'a', 'model.onnx') },
      { name: 'lidc-b', summary: 'model b', path: join(dir, 'b', 'model.onnx') },
    ],
    distDir: dist,
    port: 0,
  });
  try {
    const list = await fetch(`${server.url}models.json`);
    assert.equal(list.headers.get('cross-origin-embedder-policy'), 'require-corp');
    assert.deepEqual(await list.json(), {
      models: [
        { name: 'lidc-a', summary: 'model a', url: 'model.onnx' },
        { name: 'lidc-b', summary: 'model b', url: 'models/lidc-b/model.onnx' },
      ],
    });
    assert.equal(await (await fetch(`${server.url}model.onnx`)).text(), 'bytes of a');
    assert.equal(await (await fetch(`${server.url}models/lidc-b/model.onnx`)).text(), 'bytes of b');
    assert.equal((await fetch(`${server.url}models/lidc-c/model.onnx`)).status, 404);
    assert.equal((await fetch(`${server.url}..%2fa%2fmodel.onnx`)).status, 404);
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('view server: a plain --model file is listed under its file name', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fs-viewserver-'));
  const dist = join(dir, 'dist');
  mkdirSync(dist);
  writeFileSync(join(dist, 'index.html'), '<!doctype html>');
  writeFileSync(join(dir, 'mine.onnx'), 'x');
  const server = await startViewServer({ modelPath: join(dir, 'mine.onnx'), distDir: dist, port: 0 });
  try {
    const body = (await (await fetch(`${server.url}models.json`)).json()) as { models: { name: string; url: string }[] };
    assert.deepEqual(
      body.models.map((m) => [m.name, m.url]),
      [['mine.onnx', 'model.onnx']],
    );
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
