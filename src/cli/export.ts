import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { exportCheckpoint } from '../export/exportOnnx.js';
import { FlowsegInputError } from '../util/errors.js';

interface ExportFlags {
  checkpoint: string;
  out: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('export')
    .description('write the inference path (U-Net, prior net, fcomb) of a trained model as ONNX (opset 17) for onnxruntime and the viewer')
    .requiredOption('--checkpoint <run dir|file>', 'run dir of `flowseg train` (its best checkpoint) or a checkpoint file')
    .requiredOption('--out <model.onnx>', 'output file (written atomically)')
    .option('--json', 'print a JSON summary')
    .action((f: ExportFlags) => {
      if (!existsSync(f.checkpoint)) throw new FlowsegInputError(`--checkpoint ${f.checkpoint}: no such run dir or file`);
      const m = exportCheckpoint(f.checkpoint, f.out);
      process.stdout.write(
        f.json
          ? `${JSON.stringify({ out: f.out, ...m })}\n`
          : `wrote ${f.out} (${m.variant}, input [${m.inputShape.join(', ')}], latent ${m.latent}, ${(m.bytes / 1e6).toFixed(2)} MB)\n`,
      );
    });
}
