import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { checkOutputDir } from '../util/outputDir.js';
import type { ImageSamples } from '../infer/types.js';
import { FlowsegInputError } from '../util/errors.js';
import { nonNegativeInt, oneOf, samplesPerImage } from './options.js';
import { writeSamples } from './sampleFiles.js';
import { resolveModelFlags } from './modelOption.js';

export { writeSamples } from './sampleFiles.js';

interface SampleFlags {
  checkpoint: string;
  model?: string;
  image: string;
  n: number;
  out: string;
  seed: number;
  engine: 'torch' | 'onnx';
  json?: boolean;
  overwrite?: boolean;
  at?: string;
  atMm?: string;
  slice?: number;
  resize?: boolean;
}

/** The libtorch path, imported only for --engine torch so that --engine onnx never loads the addon. */
async function sampleTorch(f: SampleFlags): Promise<ImageSamples> {
  const [{ loadTrainedModel }, { sampleImage }] = await Promise.all([import('../run/loadModel.js'), import('../infer/sampleImage.js')]).catch((err: Error) => {
    if (!/native engine is not built|libtorch|libc10/.test(err.message)) throw err;
    throw new FlowsegInputError(
      `--engine torch needs the libtorch addon (${err.message.split('\n')[0]}); export the model and use --engine onnx, or install libtorch (README: "Install")`,
    );
  });
  const { model, config } = loadTrainedModel(f.checkpoint);
  try {
    const shape = config.inputShape ?? [model.config.inChannels, 128, 128];
    const { loadModelInput } = await import('../infer/modelInput.js'); // the --resize path's decoders
    return sampleImage(model, await loadModelInput(f.image, shape), shape, f.n, f.seed);
  } finally {
    model.dispose();
  }
}

export function register(program: Command): void {
  program
    .command('sample')
    .description('sample n plausible segmentations of one image; writes sample-00.png… (0/1 label PNGs), mean/std/entropy .npy + .png, grid.png, samples.json')
    .option('--checkpoint <run dir|file>', 'run dir of `flowseg train` (its best checkpoint) or a checkpoint file')
    .option('--model <name|model.onnx>', 'a shipped model (`flowseg models`) or an exported .onnx file, instead of --checkpoint: the ONNX engine')
    .requiredOption(
      '--image <path>',
      'a DICOM file or series folder, a .nii/.nii.gz volume, or a PNG/JPEG; larger than the model input it needs --at (or --resize)',
    )
    .option(
      '--at <x,y[,z]>',
      'segment the model-sized crop around this voxel (column, row[, slice]) at full resolution; maps are also pasted back on the slice as .nii.gz',
    )
    .option('--at-mm <x,y,z>', "the same point in world millimetres (LPS for DICOM, RAS for NIfTI), through the scan's affine")
    .option('--slice <k>', 'slice of a volume when --at has no z (default: the middle slice)', nonNegativeInt)
    .option('--resize', 'the old behaviour: shrink the whole PNG/JPEG/2-D NIfTI to the model input (lesions shrink with it)')
    .option('-n, --n <N>', 'number of samples (limit 1000; FLOWSEG_MAX_SAMPLES raises it)', samplesPerImage, 16)
    .requiredOption('--out <dir>', 'output folder: new, empty, or an earlier `flowseg sample` output (replaced)')
    .option('--overwrite', 'also write into a folder flowseg did not create (only its own files are replaced)')
    .option('--seed <S>', 'seed of the prior noise (same seed → same masks on every engine and in the viewer)', nonNegativeInt, 0)
    .option(
      '--engine <e>',
      'torch | onnx (default torch; onnx: --checkpoint names an exported .onnx file, no libtorch needed)',
      oneOf(['torch', 'onnx'] as const),
    )
    .option('--json', 'print a JSON summary')
    .action(async (f: SampleFlags) => {
      resolveModelFlags(f); // --model NAME → its model.onnx and the onnx engine
      if (!existsSync(f.image)) throw new FlowsegInputError(`--image ${f.image}: no such file`);
      checkOutputDir(f.out, 'samples', { overwrite: f.overwrite }); // before any work
      const meta = { image: f.image, checkpoint: f.checkpoint, n: f.n, seed: f.seed, engine: f.engine };
      if (!f.resize) {
        // Scans, and images at their own resolution: a crop around --at, never a silent resize.
        const { samples, full } = await (await import('./sampleScan.js')).sampleScan(f, meta);
        return printSummary(f, samples, full);
      }
      const scan = await import('./sampleScan.js');
      scan.checkResizable(f);
      const samples =
        f.engine === 'onnx'
          ? await (await import('../export/onnxSampler.js')).sampleImageOnnx(f.checkpoint, f.image, f.n, f.seed) // onnxruntime loads only when asked for
          : await sampleTorch(f);
      const { isNifti, readNiftiInput } = await import('../infer/modelInput.js'); // PNG/JPEG/TIFF/NIfTI decoders: --resize only
      const nifti = isNifti(f.image) ? await readNiftiInput(f.image) : undefined;
      writeSamples(f.out, samples, meta, f.overwrite, nifti);
      printSummary(f, samples, []);
    });
}

function printSummary(f: SampleFlags, samples: ImageSamples, full: string[]): void {
  const fg = samples.masks.map((m) => m.reduce((a, b) => a + b, 0));
  const pasted = full.length ? `, and ${full.join(', ')} on the input's slice grid` : '';
  process.stdout.write(
    f.json
      ? `${JSON.stringify({ out: f.out, n: f.n, foreground: fg, ...(full.length ? { fullSlice: full } : {}) })}\n`
      : `wrote ${f.n} samples (sample-00…, 0/1 labels), mean/std/entropy (.npy, .png), grid.png${pasted} to ${f.out}\n`,
  );
}
