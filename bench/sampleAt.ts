// Bench (issue 27): `flowseg sample --engine onnx --image slice.dcm --at x,y -n 16` end to end on
// one 512² CT slice — process start, onnxruntime load, DICOM read, crop, 16 samples, the crop
// outputs and the four pasted-back .nii.gz — as a user's shell sees it (target ≤ 1 s). The model
// is the shipped lidc-nodule-planar2 when models/ has it, else the default Kohl model
// (filters 32…192, planar×2) with random weights: the same graph size.
//   npx tsc -p . && node dist/bench/sampleAt.js
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { manualSeed } from '../src/tensor/index.js';
import { DEFAULT_MODEL_CONFIG, ProbUNet } from '../src/models/index.js';
import { modelToOnnx } from '../src/export/exportOnnx.js';
import { fixtureCrop, writeCtSeries } from '../src/testing/ctSeries.js';
import { packageRoot } from '../src/util/paths.js';
import { threadEnv } from './threadEnv.js';

export interface SampleAtResult {
  bench: 'sample_at';
  engine: 'onnx';
  model: string;
  slice: '512x512 int16 DICOM';
  samples: 16;
  threads: number;
  runs: number;
  /** Wall time of the whole command, median and best over `runs`. */
  wall_ms_median: number;
  wall_ms_min: number;
  /**
   * CPU time (user + sys, all threads) of the command, median over `runs`, from the kernel's
   * count for waited-for children (/proc/self/stat; null off Linux). Unlike wall time it barely
   * moves when other work shares the cores, so runs beside a training job still compare.
   */
  cpu_ms_median: number | null;
  target_ms: 1000;
}

/** CPU time (ms) of this process's waited-for children so far: cutime + cstime of /proc/self/stat. */
function childrenCpuMs(): number | null {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from 3 (state) on
    const ticks = Number(fields[13]) + Number(fields[14]); // fields 16 and 17: cutime, cstime
    return Number.isFinite(ticks) ? ticks * 10 : null; // USER_HZ = 100 on Linux
  } catch {
    return null;
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? (s[(s.length - 1) / 2] as number) : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};

/** The shipped lidc-nodule-planar2, else the default Kohl model with random weights written into `dir` (the same graph size). */
export function sampleAtModel(dir: string): { path: string; name: string } {
  const shipped = join(packageRoot(), 'models', 'lidc-nodule-planar2', 'model.onnx');
  if (existsSync(shipped)) return { path: shipped, name: 'lidc-nodule-planar2' };
  manualSeed(0);
  const net = new ProbUNet({ ...DEFAULT_MODEL_CONFIG, flow: 'planar', flowSteps: 2 });
  const path = join(dir, 'model.onnx');
  writeFileSync(path, modelToOnnx(net, [1, 128, 128]).bytes);
  net.dispose();
  return { path, name: 'default Kohl model, random weights' };
}

export async function runSampleAtBench(o: { runs?: number; threads?: number } = {}): Promise<SampleAtResult> {
  const runs = o.runs ?? 5;
  const threads = o.threads ?? 2;
  const root = packageRoot();
  const dir = mkdtempSync(join(tmpdir(), 'fs-bench-at-'));
  try {
    const [slice] = writeCtSeries({ crop: fixtureCrop(), x0: 301, y0: 97, k: 0, slices: 1 });
    writeFileSync(join(dir, 'slice.dcm'), slice.bytes);
    const { path: model, name } = sampleAtModel(dir);
    const times: number[] = [];
    const cpu: number[] = [];
    for (let r = 0; r < runs + 1; r++) {
      const out = join(dir, `out-${r}`);
      const c0 = childrenCpuMs();
      const t0 = performance.now();
      const p = spawnSync(
        process.execPath,
        [
          join(root, 'bin', 'flowseg.js'),
          'sample',
          '--engine',
          'onnx',
          '--checkpoint',
          model,
          '--image',
          join(dir, 'slice.dcm'),
          '--at',
          '365,161',
          '-n',
          '16',
          '--out',
          out,
        ],
        { encoding: 'utf8', env: { ...process.env, ...threadEnv(threads) } },
      );
      const ms = performance.now() - t0;
      const c1 = childrenCpuMs();
      if (p.status !== 0) throw new Error(`sample --at failed: ${p.stderr}`);
      if (!existsSync(join(out, 'mean.nii.gz'))) throw new Error('sample --at wrote no mean.nii.gz');
      if (r > 0) {
        times.push(ms); // the first run warms the file cache
        if (c0 !== null && c1 !== null) cpu.push(c1 - c0);
      }
    }
    return {
      bench: 'sample_at',
      engine: 'onnx',
      model: name,
      slice: '512x512 int16 DICOM',
      samples: 16,
      threads,
      runs,
      wall_ms_median: Math.round(median(times)),
      wall_ms_min: Math.round(Math.min(...times)),
      cpu_ms_median: cpu.length ? Math.round(median(cpu)) : null,
      target_ms: 1000,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.stdout.write(`${JSON.stringify(await runSampleAtBench())}\n`);
