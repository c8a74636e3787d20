// The viewer on a real-looking scan in headless Chromium: a 5-slice 512² CT series written with
// dcmjs around an LIDC crop (src/testing/ctSeries.ts) is opened through the folder input, the
// window/level is changed (preset and right-drag), the slice is moved with the keyboard, the
// lesion is clicked with the mouse — and 16 samples come back, drawn on the scan at the lesion
// (pixels change there, not far away) with 16 thumbnails; a thumbnail overlays its sample; the
// NIfTI download carries the slice's grid and the scan's affine. FLOWSEG_UPDATE_SCREENSHOT=1
// also writes docs/viewer-scan-screenshot.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { gunzipSync, unzipSync } from 'fflate';
import * as nifti from 'nifti-reader-js';
import { clickCrop, encodeNifti, flipXY, readDicomSeries, sliceAffine } from '../scan/index.js';
import { fixtureCrop, writeCtSeries } from '../testing/ctSeries.js';
import { viewerTestModel } from '../testing/viewerModel.js';
import { chromiumMissing, launchChromium, openViewer } from '../testing/browser.js';
import { packageRoot } from '../util/paths.js';
import { ensureViewerBuilt, startViewServer } from './viewServer.js';

// The crop's top-left corner on slice 3 of 5: the lesion (the crop's centre) sits off-centre.
const X0 = 300;
const Y0 = 110;
const K = 3;
const LESION = { x: X0 + 64, y: Y0 + 64, k: K };

interface Summary {
  n: number;
  backend: string;
  ms: number;
  at: { x: number; y: number; k: number };
  window: { x0: number; y0: number; size: number } | null;
  pastedForeground: number[];
  count: number;
}

test('viewer in headless Chromium: a DICOM series, window/level, a click on the lesion → 16 masks drawn on the scan', {
  skip: chromiumMissing(),
  timeout: 600_000,
}, async () => {
  ensureViewerBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'fs-viewer-scan-'));
  const files = writeCtSeries({ crop: fixtureCrop(), x0: X0, y0: Y0, k: K, shuffleSeed: 3 });
  const series = join(dir, 'series');
  mkdirSync(series);
  for (const f of files) writeFileSync(join(series, f.name), f.bytes);
  const crop = clickCrop(readDicomSeries(files), LESION, 128);
  const { model, onnx } = viewerTestModel(crop.input, [1, 128, 128], 0);
  model.dispose();
  writeFileSync(join(dir, 'model.onnx'), onnx);

  const server = await startViewServer({ modelPath: join(dir, 'model.onnx'), port: 0 });
  const { context, page } = await launchChromium(dir);
  try {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await openViewer(page, `${server.url}?autorun=0`);
    assert.equal(await page.evaluate('window.__flowseg.error'), null);

    // Open the folder as a user would (the webkitdirectory input).
    await page.setInputFiles('#folder', series);
    await page.waitForFunction("window.__flowseg.scan() && window.__flowseg.scan().kind === 'dicom'", undefined, { timeout: 120_000 });
    assert.deepEqual(await page.evaluate('window.__flowseg.scan()'), {
      name: 'series — flowseg test chest',
      kind: 'dicom',
      nx: 512,
      ny: 512,
      nz: 5,
      units: 'HU',
    });
    assert.deepEqual(await page.evaluate('window.__flowseg.window()'), { level: -600, width: 1500 }, 'CT opens in the lung window');
    assert.equal(await page.evaluate('window.__flowseg.slice()'), 2, 'the middle slice first');

    // Window/level: the mediastinum preset, then a right-drag narrows and moves it.
    await page.click('[data-preset="mediastinum"]');
    assert.deepEqual(await page.evaluate('window.__flowseg.window()'), { level: 40, width: 400 });
    const box = await page.locator('#scan').boundingBox();
    assert.ok(box);
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.8);
    await page.mouse.down({ button: 'right' });
    await page.mouse.move(box.x + box.width * 0.2, box.y + box.height * 0.7, { steps: 5 });
    await page.mouse.up({ button: 'right' });
    const dragged = (await page.evaluate('window.__flowseg.window()')) as { level: number; width: number };
    assert.ok(dragged.level !== 40 || dragged.width !== 400, `a right-drag changes window/level (${JSON.stringify(dragged)})`);
    assert.equal(await page.inputValue('#level'), String(Math.round(dragged.level)), 'the inputs follow the drag');
    await page.click('[data-preset="lung"]');

    // To the lesion's slice with the keyboard.
    await page.locator('#scan').hover();
    await page.keyboard.press('ArrowUp');
    assert.equal(await page.evaluate('window.__flowseg.slice()'), K);
    await page.waitForTimeout(300);

    const at = (await page.evaluate(`window.__flowseg.voxelToClient(${LESION.x}, ${LESION.y}, ${K})`)) as { x: number; y: number };
    const far = (await page.evaluate(`window.__flowseg.voxelToClient(${LESION.x - 250}, ${LESION.y + 250}, ${K})`)) as { x: number; y: number };
    const before = await grab(page, [at, far]);
    if (process.env.FLOWSEG_DEBUG_SHOTS) await page.screenshot({ path: join(process.env.FLOWSEG_DEBUG_SHOTS, 'before.png') });
    await page.mouse.click(at.x, at.y);
    await page.waitForFunction('window.__flowseg.lastResult && window.__flowseg.lastResult.count === 1', undefined, { timeout: 120_000 });
    await page.waitForTimeout(500);
    const s = (await page.evaluate('window.__flowseg.lastResult')) as Summary;
    console.log(
      `viewer scan click: at (${s.at.x}, ${s.at.y}, ${s.at.k}), ${s.n} samples in ${s.ms.toFixed(0)} ms on ${s.backend}; pasted foreground ${s.pastedForeground.join(' ')}`,
    );
    assert.ok(Math.abs(s.at.x - LESION.x) <= 1 && Math.abs(s.at.y - LESION.y) <= 1 && s.at.k === K, `the click lands on the lesion (${JSON.stringify(s.at)})`);
    assert.equal(s.n, 16);
    assert.deepEqual(s.window, { x0: s.at.x - 64, y0: s.at.y - 64, size: 128 }, 'the crop is centred on the click');
    assert.ok(s.pastedForeground.some((v) => v > 0) && new Set(s.pastedForeground).size > 2, 'masks differ and are not all empty');
    assert.equal(await page.locator('#grid .tile canvas').count(), 16, '16 sample thumbnails');

    // The overlay is drawn on the scan at the lesion, and only around the click.
    const after = await grab(page, [at, far]);
    const changedNear = changed(before[0] as Uint8Array, after[0] as Uint8Array);
    const changedFar = changed(before[1] as Uint8Array, after[1] as Uint8Array);
    console.log(`pixels changed: ${changedNear} near the lesion, ${changedFar} 250 voxels away`);
    assert.ok(changedNear > 100, `the masks are drawn at the lesion (${changedNear} pixels changed)`);
    assert.equal(changedFar, 0, 'nothing is drawn far from the click');

    // Opacity 0 hides the overlay; the scan comes back.
    await page.locator('#opacity').fill('0');
    await page.evaluate('window.scrollTo(0, 0)'); // focusing the slider may scroll the page
    await page.waitForTimeout(300);
    const hidden = await grab(page, [at]);
    const changedHidden = changed(before[0] as Uint8Array, hidden[0] as Uint8Array);
    if (process.env.FLOWSEG_DEBUG_SHOTS) await page.screenshot({ path: join(process.env.FLOWSEG_DEBUG_SHOTS, 'hidden.png') });
    assert.ok(changedHidden < changedNear / 4, `opacity 0 hides the overlay (${changedHidden} pixels still differ)`);
    await page.locator('#opacity').fill('0.6');
    await page.evaluate('window.scrollTo(0, 0)');
    await page.waitForTimeout(300);

    // A thumbnail puts that sample on the scan instead of the mean (the overlay updated in place).
    const meanShot = await grab(page, [at]);
    await page.click('#grid .tile:nth-child(4)');
    await page.evaluate('window.scrollTo(0, 0)');
    await page.waitForTimeout(300);
    assert.equal(await page.inputValue('#overlay'), 'sample');
    const sampleShot = await grab(page, [at]);
    assert.ok(changed(meanShot[0] as Uint8Array, sampleShot[0] as Uint8Array) > 50, 'sample #3 is drawn instead of the mean');
    await page.selectOption('#overlay', 'mean');
    await page.evaluate('window.scrollTo(0, 0)');

    // The labels as NIfTI: the clicked slice's grid with the scan's affine (RAS), 0/1 per sample.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-nifti')]);
    const zip = unzipSync(new Uint8Array(readFileSync(await download.path())));
    assert.ok(zip['sample-15.nii.gz'] && zip['mean.nii.gz'] && zip['std.nii.gz'] && zip['entropy.nii.gz'] && zip['samples.json'], Object.keys(zip).join(' '));
    const raw = gunzipSync(zip['sample-00.nii.gz'] as Uint8Array);
    const hdr = nifti.readHeader(raw.buffer as ArrayBuffer) as nifti.NIFTI1;
    assert.deepEqual(hdr.dims.slice(0, 4), [3, 512, 512, 1]);
    const expected = flipXY(sliceAffine(readDicomSeries(files).affine, K));
    const got = hdr.affine.slice(0, 3).flat();
    for (const [i, e] of expected.slice(0, 12).entries()) assert.ok(Math.abs((got[i] as number) - e) < 1e-3, `affine[${i}] ${got[i]} vs ${e}`);
    const label = new Uint8Array(nifti.readImage(hdr, raw.buffer as ArrayBuffer));
    assert.equal(
      label.reduce((t, v) => t + v, 0),
      s.pastedForeground[0],
      'sample 0 as pasted',
    );

    const shot = join(dir, 'scan.png');
    await page.screenshot({ path: shot });
    if (process.env.FLOWSEG_UPDATE_SCREENSHOT === '1') copyFileSync(shot, join(packageRoot(), 'docs', 'viewer-scan-screenshot.png'));

    // The same volume as a NIfTI file through the file input: the same voxels, so the same masks.
    const v = readDicomSeries(files);
    writeFileSync(join(dir, 'ct.nii.gz'), encodeNifti({ data: v.voxels, nx: v.nx, ny: v.ny, nz: v.nz, affineRas: flipXY(v.affine) }));
    await page.setInputFiles('#file', join(dir, 'ct.nii.gz'));
    await page.waitForFunction("window.__flowseg.scan() && window.__flowseg.scan().kind === 'nifti'", undefined, { timeout: 120_000 });
    assert.deepEqual(await page.evaluate('window.__flowseg.scan()'), { name: 'ct.nii.gz', kind: 'nifti', nx: 512, ny: 512, nz: 5, units: 'stored' });
    const again = (await page.evaluate(`window.__flowseg.segmentAt(${s.at.x}, ${s.at.y}, ${s.at.k})`)) as Summary;
    assert.deepEqual(again.pastedForeground, s.pastedForeground, 'NIfTI and DICOM give the same masks at the same voxel');

    // Files dropped on the page (a DataTransfer as a drop delivers it) open as the series again.
    const payload = files.map((f) => ({ name: f.name, b64: Buffer.from(f.bytes).toString('base64') }));
    const transfer = await page.evaluateHandle((list: { name: string; b64: string }[]) => {
      // runs in the page (DOM types are not in this test's lib)
      const g = globalThis as unknown as {
        DataTransfer: new () => { items: { add(f: unknown): void } };
        File: new (parts: Uint8Array[], name: string) => unknown;
      };
      const dt = new g.DataTransfer();
      for (const f of list) dt.items.add(new g.File([Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0))], f.name));
      return dt;
    }, payload);
    await page.dispatchEvent('body', 'drop', { dataTransfer: transfer });
    await page.waitForFunction("window.__flowseg.scan() && window.__flowseg.scan().kind === 'dicom'", undefined, { timeout: 120_000 });
    assert.equal(((await page.evaluate('window.__flowseg.scan()')) as { name: string }).name, '5 files — flowseg test chest');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

/** RGBA of a 40×40 CSS-pixel box around each point. */
async function grab(page: import('playwright-core').Page, points: { x: number; y: number }[]): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for (const p of points) {
    const png = PNG.sync.read(await page.screenshot({ clip: { x: p.x - 20, y: p.y - 20, width: 40, height: 40 } }));
    out.push(new Uint8Array(png.data));
  }
  return out;
}

/** Pixels whose colour moved by more than 24 levels in some channel. */
function changed(a: Uint8Array, b: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < a.length; i += 4) if (Math.max(Math.abs(a[i]! - b[i]!), Math.abs(a[i + 1]! - b[i + 1]!), Math.abs(a[i + 2]! - b[i + 2]!)) > 24) n++;
  return n;
}
