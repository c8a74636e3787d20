import type { Command } from 'commander';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { evaluate, evaluateAsync, type EvaluateOptions } from '../eval/evaluate.js';
import { readRunConfig } from '../run/config.js';
import { runFile } from '../run/paths.js';
import { FlowsegInputError } from '../util/errors.js';
import { inferenceModel } from './modelOption.js';
import { nonNegativeInt, oneOf, positiveInt, samplesPerImage } from './options.js';

type Split = 'test' | 'val' | 'train' | 'all';

interface EvaluateFlags {
  checkpoint?: string;
  model?: string;
  engine?: 'torch' | 'onnx';
  run?: string;
  data?: string;
  split?: Split;
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

const isDir = (p: string): boolean => existsSync(p) && statSync(p).isDirectory();

type Common = Omit<EvaluateOptions, 'sampler' | 'out' | 'split'> & { split?: Split };

/** The libtorch path, imported only for --engine torch so that --engine onnx never loads the addon. */
async function evaluateTorch(checkpoint: string, o: Common, out: string): Promise<Record<string, unknown>> {
  const [{ loadTrainedModel }, { TorchSampler }] = await Promise.all([import('../run/loadModel.js'), import('../eval/torchSampler.js')]).catch((err: Error) => {
    if (!/native engine is not built|libtorch|libc10/.test(err.message)) throw err;
    throw new FlowsegInputError(
      `--engine torch needs the libtorch addon (${err.message.split('\n')[0]}); export the model and use --engine onnx, or install libtorch (README: "Install")`,
    );
  });
  const { model, config } = loadTrainedModel(checkpoint);
  try {
    const runDir = isDir(checkpoint) ? checkpoint : undefined;
    return evaluate({ ...o, split: o.split ?? 'test', sampler: new TorchSampler(model), config, runDir, out, model: { engine: 'torch', checkpoint } }).summary;
  } finally {
    model.dispose();
  }
}

/**
 * The onnxruntime path: a model file (or a shipped model) without its run. With --run, the
 * run's data and split.json choose the images, as the torch engine does; without it, the whole
 * --data (or a shipped model's test patients with --split test).
 */
async function evaluateOnnx(path: string, f: EvaluateFlags, o: Common, out: string, testPatients?: string[], name?: string): Promise<Record<string, unknown>> {
  if (f.run !== undefined && !existsSync(runFile(f.run, 'config')))
    throw new FlowsegInputError(`--run ${f.run}: no config.json there; pass the run dir of \`flowseg train\``);
  const config = f.run !== undefined ? readRunConfig(runFile(f.run, 'config')) : undefined;
  const split = o.split ?? (config ? 'test' : 'all');
  if (split !== 'all' && !config && !testPatients) {
    throw new FlowsegInputError(
      name
        ? `--split ${split}: the card of ${name} names no test patients; evaluate with --split all`
        : `--split ${split}: an ONNX file has no ${split} part of its own; pass --run <run dir> (the run it was exported from) or --split all`,
    );
  }
  if (split !== 'all' && split !== 'test' && !config)
    throw new FlowsegInputError(`--split ${split}: a shipped model publishes only its test patients; use --split test or all`);
  const { OnnxSampler } = await import('../export/onnxSampler.js'); // onnxruntime loads only when asked for
  const sampler = await OnnxSampler.create(path);
  try {
    const model = { engine: 'onnx', file: path, ...(name ? { name } : {}), variant: sampler.metadata.variant };
    const patients = !config && split === 'test' ? testPatients : undefined;
    return (await evaluateAsync({ ...o, split, patients, sampler, config, runDir: f.run, out, model })).summary;
  } finally {
    await sampler.release();
  }
}

export function register(program: Command): void {
  program
    .command('evaluate')
    .description('sample every image of a split; write per-image metrics, summary.json, GED-vs-samples and σ-vs-disagreement figures')
    .option('--checkpoint <run dir|file>', 'run dir of `flowseg train` (best checkpoint) or a checkpoint file; with --engine onnx an exported .onnx file')
    .option('--model <name|model.onnx>', 'a shipped model (`flowseg models`) or an exported .onnx file: the ONNX engine, no libtorch needed')
    .option('--engine <e>', 'torch | onnx (default torch; onnx with --model)', oneOf(['torch', 'onnx'] as const))
    .option('--run <dir>', 'ONNX engine: the run the model was exported from; its data (unless --data) and split.json pick the images as for the torch engine')
    .option('--data <dir|synthetic>', 'dataset (default: the one the model was trained on; required for an ONNX model without --run)')
    .option(
      '--split <part>',
      'test | val | train | all (default: test for a run; all for an ONNX model without --run; a shipped model: test = its card’s test patients)',
      oneOf(['test', 'val', 'train', 'all'] as const),
    )
    .option('-n, --n <N>', 'samples per image (≤ FLOWSEG_MAX_SAMPLES)', samplesPerImage, 16)
    .option('--out <dir>', 'output folder: new, empty, or an earlier evaluation (replaced); default <run dir>/eval, else ./eval')
    .option('--overwrite', 'also write into a folder flowseg did not create (only its own files are replaced)')
    .option('--seed <S>', 'seed of the prior noise (same seed → same numbers on both engines)', nonNegativeInt, 0)
    .option('--examples <N>', 'example grids to render', nonNegativeInt, 4)
    .option('--max-images <N>', 'evaluate only the first N images of the split', positiveInt)
    .option('--json', 'print summary.json to stdout')
    .action(async (f: EvaluateFlags) => {
      const m = inferenceModel(f);
      if (f.run !== undefined && m.engine !== 'onnx')
        throw new FlowsegInputError('--run is for an ONNX model (--engine onnx or --model); a run dir is itself a --checkpoint');
      const o: Common = {
        data: f.data,
        split: f.split,
        samples: f.n,
        seed: f.seed,
        examples: f.examples,
        maxImages: f.maxImages,
        progress: true,
        overwrite: f.overwrite,
      };
      const out = f.out ?? (m.engine === 'torch' && isDir(m.path) ? join(m.path, 'eval') : 'eval');
      const summary =
        m.engine === 'onnx' ? await evaluateOnnx(m.path, f, o, out, m.shipped?.card.testPatients, m.shipped?.name) : await evaluateTorch(m.path, o, out);
      if (f.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
      else
        process.stdout.write(
          `${summary.images} images × ${f.n} samples → ${out}\nGED excl ${fmt(summary.ged_excl)} | GED incl ${fmt(summary.ged_incl)} | HM-IoU ${fmt(summary.hm_iou)} | Dice ${fmt(summary.dice)} | −CLL ${fmt(summary.cll)}\n`,
        );
    });
}
