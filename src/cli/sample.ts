import type { Command } from 'commander';
import { existsSync, writeFileSync } from 'node:fs';
import { checkOutputDir, writeDirAtomic } from '../util/outputDir.js';
import { join } from 'node:path';
import { loadTrainedModel } from '../train/loadModel.js';
import { loadModelInput, sampleImage, type ImageSamples } from '../infer/index.js';
import { encodePng, applyColormap, renderSampleGrid } from '../eval/render/index.js';
import { FlowsegInputError } from '../util/errors.js';
import { nonNegativeInt, oneOf, positiveInt } from './options.js';

interface SampleFlags {
  checkpoint: string;
  image: string;
  n: number;
  out: string;
  seed: number;
  engine: 'torch' | 'onnx';
  json?: boolean;
  overwrite?: boolean;
}

const toGray = (v: Float32Array, scale = 255): Uint8Array => Uint8Array.from(v, (x) => Math.max(0, Math.min(255, Math.round(x * scale))));

/** Writes masks, probability maps, mean/std PNGs and a grid into a temp dir, then renames it to `out`. */
export function writeSamples(out: string, s: ImageSamples, meta: Record<string, unknown>, overwrite = false): void {
  writeDirAtomic(out, 'samples', (tmp) => {
    const { height: h, width: w } = s;
    s.masks.forEach((m, k) => {
      writeFileSync(join(tmp, `sample-${String(k).padStart(2, '0')}.png`), encodePng(toGray(Float32Array.from(m), 255), h, w));
    });
    writeFileSync(join(tmp, 'mean.png'), encodePng(applyColormap(s.mean, { min: 0, max: 1 }), h, w));
    writeFileSync(join(tmp, 'std.png'), encodePng(applyColormap(s.std, { min: 0, max: 0.5 }), h, w));
    writeFileSync(join(tmp, 'grid.png'), renderSampleGrid({ image: s.image, height: h, width: w, raters: [], samples: s.masks, mean: s.mean, std: s.std, title: String(meta.image ?? '') }));
    writeFileSync(join(tmp, 'samples.json'), `${JSON.stringify({ ...meta, priorMu: s.priorMu, priorSigma: s.priorSigma, foreground: s.masks.map((m) => m.reduce((a, b) => a + b, 0)) }, null, 1)}\n`);
  }, { overwrite });
}

export function register(program: Command): void {
  program
    .command('sample')
    .description('sample n plausible segmentations of one image; writes sample-XX.png, mean.png, std.png, grid.png, samples.json')
    .requiredOption('--checkpoint <run dir|file>', 'run dir of `flowseg train` (its best checkpoint) or a checkpoint file')
    .requiredOption('--image <png|jpg>', 'input image (resized to the model input size)')
    .option('-n, --n <N>', 'number of samples', positiveInt, 16)
    .requiredOption('--out <dir>', 'output folder: new, empty, or an earlier `flowseg sample` output (replaced)')
    .option('--overwrite', 'also write into a folder flowseg did not create (only its own files are replaced)')
    .option('--seed <S>', 'seed of the prior noise (same seed → same masks on every engine)', nonNegativeInt, 0)
    .option('--engine <e>', 'torch | onnx (--checkpoint then names an exported .onnx file)', oneOf(['torch', 'onnx'] as const), 'torch')
    .option('--json', 'print a JSON summary')
    .action(async (f: SampleFlags) => {
      if (!existsSync(f.image)) throw new FlowsegInputError(`--image ${f.image}: no such file`);
      checkOutputDir(f.out, 'samples', { overwrite: f.overwrite }); // before any work
      let samples: ImageSamples;
      if (f.engine === 'onnx') {
        const { sampleImageOnnx } = await import('../export/onnxSampler.js'); // onnxruntime loads only when asked for
        samples = await sampleImageOnnx(f.checkpoint, f.image, f.n, f.seed);
      } else {
        const { model, config } = loadTrainedModel(f.checkpoint);
        const shape = config.inputShape ?? [model.config.inChannels, 128, 128];
        samples = sampleImage(model, await loadModelInput(f.image, shape), shape, f.n, f.seed);
        model.dispose();
      }
      writeSamples(f.out, samples, { image: f.image, checkpoint: f.checkpoint, n: f.n, seed: f.seed, engine: f.engine }, f.overwrite);
      const fg = samples.masks.map((m) => m.reduce((a, b) => a + b, 0));
      process.stdout.write(f.json ? `${JSON.stringify({ out: f.out, n: f.n, foreground: fg })}\n` : `wrote ${f.n} samples, mean.png, std.png, grid.png to ${f.out}\n`);
    });
}
