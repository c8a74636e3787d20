// Shipped models by name through the real CLI: `flowseg models`, `models show`, and --model NAME
// in sample, evaluate and export, with FLOWSEG_MODELS_DIR pointing at a temp folder that holds a
// tiny exported model (never fake weights in models/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_MODEL_CONFIG, ProbUNet } from '../models/index.js';
import { manualSeed } from '../tensor/index.js';
import { modelToOnnx } from '../export/modelToOnnx.js';
import { readOnnxMetadata } from '../export/onnxMetadata.js';
import { writeTestPng } from '../testing/tinyRun.js';
import { exampleCard, writeModelFolder } from '../zoo/testing.js';
import { runCli } from '../testing/cli.js';

test('CLI: flowseg models lists and shows the shipped models; --model NAME works in sample, evaluate and export; unknown names list the known ones', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fs-models-cli-'));
  try {
    manualSeed(2);
    const model = new ProbUNet({ ...DEFAULT_MODEL_CONFIG, filters: [4, 8], latent: 3, flow: 'planar', flowSteps: 2 });
    const onnx = modelToOnnx(model, [1, 16, 16]).bytes;
    model.dispose();
    const zoo = join(dir, 'zoo');
    writeModelFolder(
      zoo,
      exampleCard('tiny-planar', {
        summary: 'tiny test model',
        testMetrics: { ged_excl: 0.4321, hm_iou: 0.5, images: 8 },
        testPatients: ['synthetic-patient-1', 'synthetic-patient-2'],
      }),
      onnx,
    );
    writeModelFolder(zoo, exampleCard('tiny-other', { summary: 'no test numbers', testMetrics: {} }), onnx);
    const cli = (args: string[], code = 0): { stdout: string; stderr: string } => {
      const r = runCli(args, { env: { ...process.env, FLOWSEG_MODELS_DIR: zoo } });
      assert.equal(r.status, code, `flowseg ${args.join(' ')}: ${r.stderr}`);
      return { stdout: r.stdout, stderr: r.stderr };
    };

    // flowseg models: one aligned line per model, test numbers when the card has them.
    const lines = cli(['models']).stdout.split('\n');
    assert.match(lines[0] as string, /^tiny-other {3}probunet\+planar2 {2}0\.0 MB {2}no test numbers$/);
    assert.match(lines[1] as string, /^tiny-planar {2}probunet\+planar2 {2}0\.0 MB {2}tiny test model {2}test GED\(excl\) 0\.432, HM-IoU 0\.500$/);
    const listed = JSON.parse(cli(['models', '--json']).stdout) as { name: string; card: { testPatients?: string[] }; bytes: number }[];
    assert.deepEqual(
      listed.map((m) => [m.name, m.bytes]),
      [
        ['tiny-other', onnx.length],
        ['tiny-planar', onnx.length],
      ],
    );
    assert.match(
      cli(['models', 'show', 'tiny-planar']).stdout,
      /^# tiny-planar\n\ntiny test model\n\nfiles: .*tiny-planar \(model\.onnx 0\.0 MB, float32 weights\)/,
    );
    const unknown = cli(['models', 'show', 'tiny'], 2).stderr;
    assert.equal(
      unknown,
      'flowseg: flowseg models show tiny: no shipped model has that name; shipped models: tiny-other, tiny-planar (`flowseg models` lists them)\n',
    );

    // sample --model NAME: the ONNX engine (samples.json says so); an unknown name is one line listing the names.
    writeTestPng(join(dir, 'crop.png'), 16);
    cli(['sample', '--model', 'tiny-planar', '--image', join(dir, 'crop.png'), '-n', '3', '--seed', '2', '--out', join(dir, 's')]);
    assert.ok(existsSync(join(dir, 's', 'sample-02.png')));
    const samplesJson = JSON.parse(readFileSync(join(dir, 's', 'samples.json'), 'utf8')) as { engine: string };
    assert.equal(samplesJson.engine, 'onnx');
    const bad = cli(['sample', '--model', 'lidc-nope', '--image', join(dir, 'crop.png'), '--out', join(dir, 's2')], 2).stderr;
    assert.equal(bad.split('\n').length, 2, bad);
    assert.match(bad, /--model lidc-nope: neither a shipped model nor an \.onnx file; shipped models: tiny-other, tiny-planar/);
    assert.ok(!existsSync(join(dir, 's2')), 'no partial output');
    assert.match(
      cli(['sample', '--model', 'tiny-planar', '--checkpoint', 'x', '--image', join(dir, 'crop.png'), '--out', join(dir, 's3')], 2).stderr,
      /give one of them/,
    );
    assert.match(cli(['sample', '--image', join(dir, 'crop.png'), '--out', join(dir, 's3')], 2).stderr, /no model: pass --model <name>/);

    // evaluate --model NAME: the whole prepared dataset by default; --split test = the card's test patients.
    cli(['prepare', '--format', 'synthetic', 'synthetic', '--size', '16', '--items', '16', '--out', join(dir, 'data')]);
    const all = JSON.parse(cli(['evaluate', '--model', 'tiny-planar', '--data', join(dir, 'data'), '-n', '4', '--out', join(dir, 'e'), '--json']).stdout);
    assert.equal(all.images, 16);
    assert.deepEqual(all.model, { engine: 'onnx', file: join(zoo, 'tiny-planar', 'model.onnx'), name: 'tiny-planar', variant: 'probunet+planar2' });
    assert.ok(readdirSync(join(dir, 'e')).includes('per_image.csv'));
    const test = JSON.parse(
      cli(['evaluate', '--model', 'tiny-planar', '--data', join(dir, 'data'), '--split', 'test', '-n', '4', '--out', join(dir, 'e2'), '--json']).stdout,
    );
    assert.equal(test.images, 8, 'two synthetic patients of 4 slices');
    assert.match(
      cli(['evaluate', '--model', 'tiny-other', '--data', join(dir, 'data'), '--split', 'test', '--out', join(dir, 'e3')], 2).stderr,
      /names no test patients/,
    );
    assert.match(cli(['evaluate', '--model', 'tiny-planar', '--out', join(dir, 'e3')], 2).stderr, /--data is required/);

    // export --model NAME: a copy of the shipped file; --fp16 converts it.
    cli(['export', '--model', 'tiny-planar', '--out', join(dir, 'copy.onnx')]);
    assert.ok(readFileSync(join(dir, 'copy.onnx')).equals(Buffer.from(onnx)));
    const fp16 = JSON.parse(cli(['export', '--model', 'tiny-planar', '--fp16', '--out', join(dir, 'half.onnx'), '--json']).stdout);
    assert.equal(fp16.weights, 'float16');
    assert.equal(readOnnxMetadata(readFileSync(join(dir, 'half.onnx')))['flowseg.weights'], 'float16');
    writeFileSync(join(dir, 'junk.onnx'), 'not onnx');
    assert.equal(cli(['export', '--model', join(dir, 'junk.onnx'), '--out', join(dir, 'j.onnx')], 2).stderr.split('\n').length, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
