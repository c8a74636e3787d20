import type { Command } from 'commander';
import { join, relative } from 'node:path';
import { train, DEFAULT_TRAIN, type TrainConfig } from '../train/index.js';
import { DEFAULT_MODEL_CONFIG, variantName, type ModelConfig } from '../models/config.js';
import { evaluate } from '../eval/evaluate.js';
import { buildReport } from '../eval/report/buildReport.js';
import { positiveNumber } from './options.js';
import { loadTrainedModel } from '../train/loadModel.js';
import { checkOutputDir, writeDirAtomic } from '../util/outputDir.js';

/** The variants the main job compares: the vanilla PU-Net and the two seed-000 flows. */
const VARIANTS: Pick<ModelConfig, 'model' | 'flow' | 'flowSteps'>[] = [
  { model: 'probunet', flow: 'none', flowSteps: 0 },
  { model: 'probunet', flow: 'planar', flowSteps: 2 },
  { model: 'probunet', flow: 'radial', flowSteps: 2 },
];

interface MainFlags {
  out: string;
  report: string;
  minutes: number;
  overwrite?: boolean;
}

/**
 * `npm start`: train the vanilla PU-Net, 2-planar and 2-radial on the embedded synthetic
 * ambiguous set (known rater disagreement), evaluate each on its held-out patients and
 * write the Table-1-style report. Sized for 2 CPU cores: ~15 minutes with the defaults.
 */
export function register(program: Command): void {
  program
    .command('main')
    .description('the main job (npm start): train + evaluate 3 variants on the embedded synthetic set, write a report')
    .option('--out <dir>', 'runs folder: new, empty, or an earlier main job\'s (replaced)', 'runs/main')
    .option('--report <dir>', 'report folder: new, empty, or an earlier report (replaced)', 'report')
    .option('--overwrite', 'also write into folders flowseg did not create (only its own files are replaced)')
    .option('--minutes <M>', 'training minutes per variant', positiveNumber, 3.5)
    .action((f: MainFlags) => {
      // Both folders are checked before 10 minutes of training, and the runs are staged beside --out.
      checkOutputDir(f.out, 'main', { overwrite: f.overwrite });
      checkOutputDir(f.report, 'report', { overwrite: f.overwrite, flag: '--report' });
      const started = performance.now();
      const variants = writeDirAtomic(f.out, 'main', (staging) => VARIANTS.map((v, i) => {
        // Kohl's layout at a quarter of the width: on 2 CPU cores this learns the synthetic set in
        // minutes (3 min: GED 0.15 vs 0.88 with [16, 32, 64, 96], which gets ~3× fewer steps).
        const modelConfig: ModelConfig = { ...DEFAULT_MODEL_CONFIG, ...v, filters: [8, 16, 32, 48] };
        const variant = variantName(modelConfig);
        const config: TrainConfig = {
          ...DEFAULT_TRAIN,
          data: 'synthetic',
          modelConfig,
          variant,
          lr: 1e-3,
          batchSize: 16,
          maxMinutes: f.minutes,
          maxValImages: 48,
          patience: 1000,
        };
        const dir = join(staging, variant);
        process.stderr.write(`[${i + 1}/${VARIANTS.length}] training ${variant} for ≤ ${f.minutes} min on the synthetic set (64×64, 4 raters)\n`);
        const result = train({ config, outDir: dir, progress: true });
        result.model.dispose();
        const { model, config: saved } = loadTrainedModel(dir);
        const { summary } = evaluate({ model, config: saved, runDir: dir, split: 'test', samples: 16, out: join(dir, 'eval'), seed: 0, examples: 4, progress: false });
        model.dispose();
        const ged = summary.ged_incl as { mean: number };
        process.stderr.write(`    ${variant}: ${result.state.step} steps; test GED (incl) ${ged.mean.toFixed(3)}\n`);
        return variant;
      }), { overwrite: f.overwrite });
      const runDirs = variants.map((v) => join(f.out, v));
      const report = buildReport(runDirs, f.report, new Date(), { overwrite: f.overwrite });
      const minutes = ((performance.now() - started) / 60000).toFixed(1);
      process.stdout.write(`\nflowseg main job done in ${minutes} min.\nReport: ${relative(process.cwd(), report.html)} (also ${relative(process.cwd(), join(f.report, 'report.md'))}); runs in ${f.out}/\n`);
    });
}

