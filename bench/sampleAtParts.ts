// Where the time of `flowseg sample --engine onnx --image slice.dcm --at x,y -n 16` goes: the
// command's own steps (src/cli/sampleScan.ts) run one after another in a fresh process, as the
// CLI runs them, each timed in CPU (user + sys of all the process's threads, process.cpuUsage)
// and wall milliseconds; the median over `runs` processes. CPU time stays comparable while other
// work shares the cores; wall time does not. Node's own start-up (~40 ms) is not in any step.
//   npx tsc -p . && node dist/bench/sampleAtParts.js [runs]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const STEPS = ['modules', 'read scan', 'onnxruntime session', 'crop', '16 samples', 'full-slice NIfTI', 'crop outputs'] as const;
type Step = (typeof STEPS)[number];

export interface SampleAtPartsResult {
  bench: 'sample_at_parts';
  model: string;
  runs: number;
  /** per step: median CPU ms and wall ms over the runs */
  steps: Record<Step, { cpu_ms: number; wall_ms: number }>;
  total_cpu_ms: number;
}

/** One process: every step of the command once, in order; prints {step: [cpu ms, wall ms]}. */
async function child(slice: string, model: string, out: string): Promise<void> {
  const times: Partial<Record<Step, [number, number]>> = {};
  let c0 = process.cpuUsage();
  let t0 = performance.now();
  const lap = (step: Step): void => {
    const c = process.cpuUsage(c0);
    times[step] = [(c.user + c.system) / 1000, performance.now() - t0];
    c0 = process.cpuUsage();
    t0 = performance.now();
  };
  await import('../src/cli/main.js');
  await import('../src/cli/sample.js');
  const scan = await import('../src/cli/sampleScan.js');
  const { openEngine } = await import('../src/cli/sampleEngine.js');
  lap('modules');
  const f = { checkpoint: model, image: slice, at: '365,161', n: 16, seed: 0, engine: 'onnx' as const, out };
  const source = await scan.readSource(f);
  lap('read scan');
  const engine = await openEngine('onnx', model);
  lap('onnxruntime session');
  const prepared = scan.prepareInput(f, source, engine.inputShape);
  lap('crop');
  const samples = await engine.sample(prepared.input, f.n, f.seed);
  lap('16 samples');
  const full = scan.fullSliceMaps(samples, prepared, f.image);
  lap('full-slice NIfTI');
  const { writeSamples } = await import('../src/cli/sampleFiles.js');
  writeSamples(out, samples, { image: f.image, n: f.n, ...prepared.meta, fullSlice: Object.keys(full) }, false, undefined, full);
  lap('crop outputs');
  await engine.close();
  process.stdout.write(`${JSON.stringify(times)}\n`);
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? (s[(s.length - 1) / 2] as number) : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};

export async function runSampleAtParts(runs = 5): Promise<SampleAtPartsResult> {
  const [{ fixtureCrop, writeCtSeries }, { sampleAtModel }] = await Promise.all([import('../src/testing/ctSeries.js'), import('./sampleAt.js')]);
  const dir = mkdtempSync(join(tmpdir(), 'fs-bench-at-parts-'));
  try {
    const [slice] = writeCtSeries({ crop: fixtureCrop(), x0: 301, y0: 97, k: 0, slices: 1 });
    writeFileSync(join(dir, 'slice.dcm'), (slice as { bytes: Uint8Array }).bytes);
    const model = sampleAtModel(dir);
    const all: Record<string, [number, number]>[] = [];
    for (let r = 0; r < runs + 1; r++) {
      const p = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', join(dir, 'slice.dcm'), model.path, join(dir, `out-${r}`)], {
        encoding: 'utf8',
      });
      if (p.status !== 0) throw new Error(`sample_at_parts: ${p.stderr}`);
      if (r > 0) all.push(JSON.parse(p.stdout.trim().split('\n').pop() as string)); // the first run warms the file cache
    }
    const steps = Object.fromEntries(
      STEPS.map((s) => [
        s,
        {
          cpu_ms: Math.round(median(all.map((a) => (a[s] as [number, number])[0]))),
          wall_ms: Math.round(median(all.map((a) => (a[s] as [number, number])[1]))),
        },
      ]),
    ) as SampleAtPartsResult['steps'];
    return { bench: 'sample_at_parts', model: model.name, runs, steps, total_cpu_ms: Object.values(steps).reduce((t, s) => t + s.cpu_ms, 0) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv[2] === '--child') await child(process.argv[3] as string, process.argv[4] as string, process.argv[5] as string);
  else process.stdout.write(`${JSON.stringify(await runSampleAtParts(Number(process.argv[2] ?? 5)))}\n`);
}
