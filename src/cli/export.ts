import type { Command } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { FlowsegInputError } from '../util/errors.js';
import { writeFileAtomic } from '../util/atomicWrite.js';
import { readOnnxMetadata } from '../export/onnxMetadata.js';
import { parseMetadata, type OnnxModelMetadata } from '../export/metadata.js';
import { weightsToFloat16 } from '../export/fp16.js';
import { resolveModelArg } from '../zoo/registry.js';

interface ExportFlags {
  checkpoint?: string;
  model?: string;
  out: string;
  fp16?: boolean;
  json?: boolean;
}

/**
 * A shipped model (or an exported file) is already ONNX: exporting it copies the file out, with
 * --fp16 its weights converted to float16 when they are float32. No libtorch.
 */
function copyOnnx(model: string, out: string, fp16: boolean): OnnxModelMetadata & { bytes: number } {
  const { path } = resolveModelArg(model, '--model');
  const original = readFileSync(path);
  const metadata = parseMetadata(readOnnxMetadata(original, path), path); // refuses a file that is not a flowseg export
  const bytes = fp16 ? weightsToFloat16(original, path) : original;
  writeFileAtomic(out, bytes);
  return { ...metadata, ...(fp16 ? { weights: 'float16' as const } : {}), bytes: bytes.length };
}

export function register(program: Command): void {
  program
    .command('export')
    .description('write the inference path (U-Net, prior net, fcomb) of a trained model as ONNX (opset 17) for onnxruntime and the viewer')
    .option('--checkpoint <run dir|file>', 'run dir of `flowseg train` (its best checkpoint) or a checkpoint file')
    .option(
      '--model <name|model.onnx>',
      'a shipped model (`flowseg models`) or an exported .onnx file: already ONNX, copied to --out (with --fp16 converted); no libtorch needed',
    )
    .requiredOption('--out <model.onnx>', 'output file (written atomically)')
    .option('--fp16', 'store the weights as float16 (half the file; inputs, outputs and arithmetic stay float32)')
    .option('--json', 'print a JSON summary')
    .action(async (f: ExportFlags) => {
      if ((f.model === undefined) === (f.checkpoint === undefined))
        throw new FlowsegInputError('pass either --checkpoint <run dir|file> or --model <name|model.onnx>');
      let m: OnnxModelMetadata & { bytes: number };
      if (f.model !== undefined) m = copyOnnx(f.model, f.out, f.fp16 ?? false);
      else {
        if (!existsSync(f.checkpoint as string)) throw new FlowsegInputError(`--checkpoint ${f.checkpoint}: no such run dir or file`);
        const { exportCheckpoint } = await import('../export/exportOnnx.js'); // loads libtorch: only here
        m = exportCheckpoint(f.checkpoint as string, f.out, { fp16: f.fp16 });
      }
      process.stdout.write(
        f.json
          ? `${JSON.stringify({ out: f.out, ...m })}\n`
          : `wrote ${f.out} (${m.variant}, input [${m.inputShape.join(', ')}], latent ${m.latent}, ${m.weights ?? 'float32'} weights, ${(m.bytes / 1e6).toFixed(2)} MB)\n`,
      );
    });
}
