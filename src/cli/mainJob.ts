import type { Command } from 'commander';
import { join, relative } from 'node:path';
import { buildReport } from '../eval/report/buildReport.js';
import { BUILTIN_PRESETS, runCv, type Preset } from '../experiments/index.js';
import { FlowsegInputError } from '../util/errors.js';
import { checkOutputDir, writeDirAtomic } from '../util/outputDir.js';
import { positiveNumber } from './options.js';

interface MainFlags {
  out: string;
  report: string;
  minutes: number;
  overwrite?: boolean;
}

/**
 * `npm start`: the `main` preset (vanilla PU-Net, 2-planar, 2-radial on the embedded synthetic
 * ambiguous set) through the same path as `flowseg cv`, then the Table-1-style report. Sized
 * for 2 CPU cores: ~15 minutes with the defaults. Each run starts fresh (staged beside --out).
 */
export function register(program: Command): void {
  program
    .command('main')
    .description('the main job (npm start): train + evaluate 3 variants on the embedded synthetic set, write a report')
    .option('--out <dir>', "runs folder: new, empty, or an earlier main job's (replaced)", 'runs/main')
    .option('--report <dir>', 'report folder: new, empty, or an earlier report (replaced)', 'report')
    .option('--overwrite', 'also write into folders flowseg did not create (only its own files are replaced)')
    .option('--minutes <M>', 'training minutes per variant', positiveNumber, 3.5)
    .action((f: MainFlags) => {
      // Both folders are checked before 10 minutes of training.
      checkOutputDir(f.out, 'main', { overwrite: f.overwrite });
      checkOutputDir(f.report, 'report', { overwrite: f.overwrite, flag: '--report' });
      const started = performance.now();
      const preset = BUILTIN_PRESETS.main as Preset;
      process.stderr.write(
        `flowseg main: ${preset.variants.map((v) => v.name).join(', ')} for ≤ ${f.minutes} min each on the synthetic set (64×64, 4 raters)\n`,
      );
      writeDirAtomic(
        f.out,
        'main',
        (staging) => {
          const r = runCv({ preset, data: 'synthetic', out: staging, budget: { maxMinutes: f.minutes }, progress: true, report: false });
          const failed = r.failed[0];
          if (failed) throw new FlowsegInputError(`main job: ${failed.variant} failed: ${failed.message}`);
          for (const j of r.ran)
            process.stderr.write(`    ${preset.variants[j.index]?.name}: ${j.steps} steps; test GED (incl) ${j.metrics.ged_incl?.toFixed(3) ?? 'n/a'}\n`);
        },
        { overwrite: f.overwrite },
      );
      const report = buildReport([f.out], f.report, new Date(), { overwrite: f.overwrite });
      const minutes = ((performance.now() - started) / 60000).toFixed(1);
      process.stdout.write(
        `\nflowseg main job done in ${minutes} min.\nReport: ${relative(process.cwd(), report.html)} (also ${relative(process.cwd(), join(f.report, 'report.md'))}); runs in ${f.out}/\n`,
      );
    });
}
