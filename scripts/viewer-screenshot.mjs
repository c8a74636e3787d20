#!/usr/bin/env node
// Regenerates the viewer's screenshots in docs/ with a real model in headless Chromium (Debian's
// chromium + playwright-core), from the compiled clone (`npx tsc -p .` first):
//   docs/viewer-screenshot.png       the bundled LIDC crop, sampled as the page opens
//   docs/viewer-scan-screenshot.png  a 5-slice 512² CT series (dcmjs-written around a real LIDC
//                                    crop, off-centre, src/testing/ctSeries.ts) opened through
//                                    the folder input, the lesion clicked, the mean overlaid
// Usage: nice -n 19 node scripts/viewer-screenshot.mjs [--model <name|file.onnx>] [--seed S]
//          [--out-dir docs] [--only png|scan] [--test-model]
// --model defaults to the first shipped model (`flowseg models`); --test-model uses the tests'
// random-weight model instead (to check the script itself; its masks are not plausible).
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const root = new URL('..', import.meta.url).pathname;
const dist = (p) => join(root, 'dist', 'src', p);
if (!existsSync(dist('testing/browser.js'))) {
  console.error('viewer-screenshot: dist/ is missing or old — run `npx tsc -p .` first');
  process.exit(2);
}
const { values: o } = parseArgs({
  options: {
    model: { type: 'string' },
    seed: { type: 'string', default: '0' },
    'out-dir': { type: 'string', default: join(root, 'docs') },
    only: { type: 'string' },
    'test-model': { type: 'boolean', default: false },
  },
});
const { chromiumMissing, launchChromium, openViewer } = await import(dist('testing/browser.js'));
const { startViewServer } = await import(dist('export/viewServer.js'));
const { listShippedModels, resolveModelArg } = await import(dist('zoo/registry.js'));
const { fixtureCrop, writeCtSeries } = await import(dist('testing/ctSeries.js'));

const missing = chromiumMissing();
if (missing) {
  console.error(`viewer-screenshot: ${missing}`);
  process.exit(2);
}
const seed = Number(o.seed);
const outDir = resolve(o['out-dir']);
const work = mkdtempSync(join(tmpdir(), 'fs-screenshot-'));

/** The model to show: --model, else the first shipped one; --test-model: the tests' random one. */
async function pickModel() {
  const shipped = listShippedModels();
  if (o['test-model']) {
    const { viewerTestModel } = await import(dist('testing/viewerModel.js'));
    const { loadModelInput } = await import(dist('infer/index.js'));
    const shape = [1, 128, 128];
    const { model, onnx } = viewerTestModel(await loadModelInput(join(root, 'viewer', 'public', 'lidc-sample.png'), shape), shape, seed);
    model.dispose();
    writeFileSync(join(work, 'test-model.onnx'), onnx);
    return { path: join(work, 'test-model.onnx'), name: 'test-model (random weights)', summary: 'random weights: not a real segmentation', shipped };
  }
  const arg = o.model ?? shipped[0]?.name;
  if (!arg) {
    console.error('viewer-screenshot: no shipped model in models/ — pass --model <file.onnx> (or --test-model to check the script)');
    process.exit(2);
  }
  const r = resolveModelArg(arg, '--model');
  return { path: r.path, name: r.model?.name ?? arg, summary: r.model?.card.summary, shipped };
}

const model = await pickModel();
const server = await startViewServer({
  modelPath: model.path,
  modelName: model.name,
  modelSummary: model.summary,
  models: model.shipped.map((m) => ({ name: m.name, summary: m.card.summary, path: m.onnx })),
  port: 0,
});
const { context, page } = await launchChromium(work, { width: 1360, height: 900 });
const errors = [];
page.on('pageerror', (e) => errors.push(e.message));
mkdirSync(outDir, { recursive: true });
try {
  if (o.only !== 'scan') {
    await openViewer(page, `${server.url}?autorun=0`);
    const s = await page.evaluate(`window.__flowseg.sample(16, ${seed})`);
    await page.waitForTimeout(800);
    const file = join(outDir, 'viewer-screenshot.png');
    await page.screenshot({ path: file });
    console.log(
      `${file}: lidc-sample.png, ${model.name}, ${s.n} samples (seed ${seed}) in ${s.ms.toFixed(0)} ms on ${s.backend}; foreground px ${s.foreground.join(' ')}`,
    );
  }
  if (o.only !== 'png') {
    // The crop's centre (the lesion) at (364, 174) of slice 3 of 5, as in the browser test.
    const lesion = { x: 300 + 64, y: 110 + 64, k: 3 };
    const series = join(work, 'chest-ct');
    mkdirSync(series);
    for (const f of writeCtSeries({ crop: fixtureCrop(), x0: lesion.x - 64, y0: lesion.y - 64, k: lesion.k })) writeFileSync(join(series, f.name), f.bytes);
    await openViewer(page, `${server.url}?autorun=0`);
    await page.setInputFiles('#folder', series);
    await page.waitForFunction("window.__flowseg.scan() && window.__flowseg.scan().kind === 'dicom'", undefined, { timeout: 120_000 });
    await page.locator('#scan').hover();
    await page.keyboard.press('ArrowUp');
    await page.fill('#seed', String(seed));
    await page.waitForTimeout(300);
    const at = await page.evaluate(`window.__flowseg.voxelToClient(${lesion.x}, ${lesion.y}, ${lesion.k})`);
    await page.mouse.click(at.x, at.y);
    await page.waitForFunction('window.__flowseg.lastResult && window.__flowseg.lastResult.count === 1', undefined, { timeout: 120_000 });
    await page.mouse.move(5, 5); // no hover effects in the picture
    await page.evaluate('window.scrollTo(0, 0)'); // typing the seed may have scrolled the page
    await page.waitForTimeout(800);
    const s = await page.evaluate('window.__flowseg.lastResult');
    const file = join(outDir, 'viewer-scan-screenshot.png');
    await page.screenshot({ path: file });
    console.log(
      `${file}: DICOM 512×512×5, click (${s.at.x}, ${s.at.y}, slice ${s.at.k}), ${model.name}, ${s.n} samples in ${s.ms.toFixed(0)} ms on ${s.backend}; foreground px ${s.pastedForeground.join(' ')}`,
    );
  }
  const pageError = await page.evaluate('window.__flowseg.error');
  if (pageError || errors.length) throw new Error(`the page reported: ${pageError ?? errors.join('; ')}`);
} finally {
  await context.close();
  await server.close();
  rmSync(work, { recursive: true, force: true });
}
