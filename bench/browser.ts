// Bench (issue 27): one click in the browser — 16 samples of a 128² crop in headless Chromium
// (Debian's chromium, onnxruntime-web; WebGPU when the browser gives an adapter, else wasm —
// the line says which), target ≤ 300 ms on 2 cores. The model is the first shipped one when
// models/ has one, else the default LIDC architecture (filters 32…192, planar ×2) with random
// weights: the same graph size, so the same time. Also times a click on a 512² DICOM slice end
// to end in the page (crop, intensity mapping, 16 samples, paste back, overlay drawn).
//   npx tsc -p . && nice -n 19 node dist/bench/browser.js
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startViewServer } from '../src/export/viewServer.js';
import { sampleAtModel } from './sampleAt.js';
import { chromiumMissing, launchChromium, openViewer } from '../src/testing/browser.js';
import { fixtureCrop, writeCtSeries } from '../src/testing/ctSeries.js';

export interface BrowserBenchResult {
  bench: 'browser_sample16';
  samples: 16;
  size: 128;
  /** onnxruntime-web backend that ran: webgpu or wasm */
  backend: string;
  /** wasm threads need a cross-origin-isolated page (`flowseg view` sends COOP/COEP) */
  cross_origin_isolated: boolean;
  /** wasm threads the sampler gave onnxruntime-web (one per core, up to 4, when isolated) */
  threads: number;
  model: string;
  /** median of `rounds` clicks: ε + the one session.run for 16 samples */
  median_ms: number;
  times_ms: number[];
  target_ms: 300;
  meets_target: boolean;
  /** a click on a 512² DICOM slice in the page: crop + mapping + 16 samples + paste back + overlay */
  click_512_median_ms: number;
  /** of which: crop, mapping, sampling and paste back; drawing the overlay on the scan */
  click_512_segment_median_ms: number;
  click_512_overlay_median_ms: number;
}

const round = (x: number): number => Math.round(x * 10) / 10;
const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? (s[(s.length - 1) / 2] as number) : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};

export async function runBrowserBench(options: { rounds?: number } = {}): Promise<BrowserBenchResult | null> {
  const missing = chromiumMissing();
  if (missing) {
    process.stderr.write(`bench browser_sample16 skipped: ${missing}\n`);
    return null;
  }
  const rounds = options.rounds ?? 7;
  const dir = mkdtempSync(join(tmpdir(), 'fs-bench-browser-'));
  const model = sampleAtModel(dir); // the shipped planar model, or the same graph with random weights
  const server = await startViewServer({ modelPath: model.path, modelName: model.name, port: 0 });
  const { context, page } = await launchChromium(dir);
  try {
    await openViewer(page, `${server.url}?autorun=0`);
    const error = await page.evaluate('window.__flowseg.error');
    if (error) throw new Error(`the viewer failed: ${error}`);
    // The bundled 128² LIDC crop is the model input as a whole: the time is sampling alone.
    await page.evaluate('window.__flowseg.sample(16, 0)'); // warm-up (the page also ran one at load)
    const times: number[] = [];
    let backend = '';
    let threads = 0;
    for (let i = 0; i < rounds; i++) {
      const s = (await page.evaluate(`window.__flowseg.sample(16, ${i + 1})`)) as { ms: number; backend: string; threads: number };
      times.push(s.ms);
      backend = s.backend;
      threads = s.threads;
    }
    const isolated = (await page.evaluate('globalThis.crossOriginIsolated')) as boolean;

    // A click on a 512² CT slice, measured in the page from the call to the drawn overlay.
    const series = join(dir, 'ct');
    mkdirSync(series);
    for (const f of writeCtSeries({ crop: fixtureCrop(), x0: 300, y0: 110, k: 2 })) writeFileSync(join(series, f.name), f.bytes);
    await page.setInputFiles('#folder', series);
    await page.waitForFunction("window.__flowseg.scan() && window.__flowseg.scan().kind === 'dicom'", undefined, { timeout: 120_000 });
    const clicks: { total: number; segment: number; overlay: number }[] = [];
    for (let i = 0; i < Math.max(3, Math.floor(rounds / 2)); i++) {
      clicks.push(
        (await page.evaluate(
          `(async () => { const t = performance.now(); const s = await window.__flowseg.segmentAt(364, 174, 2); return { total: performance.now() - t, segment: s.timing.segmentMs, overlay: s.timing.overlayMs }; })()`,
        )) as { total: number; segment: number; overlay: number },
      );
    }
    const m = median(times);
    return {
      bench: 'browser_sample16',
      samples: 16,
      size: 128,
      backend,
      cross_origin_isolated: isolated,
      threads,
      model: model.name,
      median_ms: round(m),
      times_ms: times.map(round),
      target_ms: 300,
      meets_target: m <= 300,
      click_512_median_ms: round(median(clicks.map((c) => c.total))),
      click_512_segment_median_ms: round(median(clicks.map((c) => c.segment))),
      click_512_overlay_median_ms: round(median(clicks.map((c) => c.overlay))),
    };
  } finally {
    await context.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const line = await runBrowserBench();
  if (line) process.stdout.write(`${JSON.stringify(line)}\n`);
}
