import type { Command } from 'commander';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadTrainedModel } from '../run/loadModel.js';
import { evaluate } from '../eval/evaluate.js';
import { nonNegativeInt, oneOf, positiveInt, samplesPerImage } from './options.js';

interface EvaluateFlags {
  checkpoint: string;
  data?: string;
  split: 'test' | 'val' | 'train' | 'all';
  n: number;
  out?: string;
  seed: number;
  examples: number;
  maxImages?: number;
  json?: boolean;
  overwrite?: boolean;
}

const fmt = (v: unknown): string => {
  const m = v as { mean: number; std: number };
  return `${m.mean.toFixed(4)} ± ${m.std.toFixed(4)}`;
};

export function register(program: Command): void {
  program
    .command('evaluate')
    .description('sample every image of a split; write per-image metrics, summary.json, GED-vs-samples and σ-vs-disagreement figures')
    .requiredOption('--checkpoint <run dir|file>', 'run dir of `flowseg train` (best checkpoint) or a checkpoint file')
    .option('--data <dir|synthetic>', 'dataset (default: the one the model was trained on)')
    .option('--split <part>', 'test | val | train | all', oneOf(['test', 'val', 'train', 'all'] as const), 'test')
    .option('-n, --n <N>', 'samples per image (≤ FLOWSEG_MAX_SAMPLES)', samplesPerImage, 16)
    .option('--out <dir>', 'output folder: new, empty, or an earlier evaluation (replaced); default <run dir>/eval')
    .option('--overwrite', 'also write into a folder flowseg did not create (only its own files are replaced)')
    .option('--seed <S>', 'seed of the prior noise', nonNegativeInt, 0)
    .option('--examples <N>', 'example grids to render', nonNegativeInt, 4)
    .option('--max-images <N>', 'evaluate only the first N images of the split', positiveInt)
    .option('--json', 'print summary.json to stdout')
    .action((f: EvaluateFlags) => {
      const isDir = existsSync(f.checkpoint) && statSync(f.checkpoint).isDirectory();
      const { model, config } = loadTrainedModel(f.checkpoint);
      const out = f.out ?? (isDir ? join(f.checkpoint, 'eval') : 'eval');
      const { summary } = evaluate({
        model,
        config,
        runDir: isDir ? f.checkpoint : undefined,
        data: f.data,
        split: f.split,
        samples: f.n,
        out,
        seed: f.seed,
        examples: f.examples,
        maxImages: f.maxImages,
        progress: true,
        overwrite: f.overwrite,
      });
      model.dispose();
      if (f.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
      else
        process.stdout.write(
          `${summary.images} images × ${f.n} samples → ${out}\nGED excl ${fmt(summary.ged_excl)} | GED incl ${fmt(summary.ged_incl)} | HM-IoU ${fmt(summary.hm_iou)} | Dice ${fmt(summary.dice)} | −CLL ${fmt(summary.cll)}\n`,
        );
    });
}
