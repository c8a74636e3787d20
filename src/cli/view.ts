import type { Command } from 'commander';
import { startViewServer } from '../export/viewServer.js';
import { port } from './options.js';
import { listShippedModels, modelNames, resolveModelArg } from '../zoo/registry.js';
import { FlowsegInputError } from '../util/errors.js';

interface ViewFlags {
  model?: string;
  port: number;
}

export function register(program: Command): void {
  program
    .command('view')
    .description(
      'serve the browser viewer on 127.0.0.1: open a DICOM series, NIfTI or PNG/JPEG, click a lesion, see the samples, mean/std on the scan, download labels; everything runs in the browser; Ctrl-C stops it',
    )
    .option('--model <name|model.onnx>', 'a shipped model (`flowseg models`; default: the first one) or a file written by `flowseg export`')
    .option('--port <P>', 'port (0 = any free port)', port, 8080)
    .action(async (f: ViewFlags) => {
      const name = f.model ?? modelNames()[0];
      if (name === undefined) throw new FlowsegInputError('--model <model.onnx> is required: no models are shipped here (write one with `flowseg export`)');
      const { path, model } = resolveModelArg(name, '--model');
      // The page lists this model first (and opens it), then the other shipped ones.
      const models = listShippedModels().map((m) => ({ name: m.name, summary: m.card.summary, path: m.onnx }));
      const server = await startViewServer({ modelPath: path, modelName: model?.name, modelSummary: model?.card.summary, models, port: f.port });
      process.stdout.write(`flowseg viewer: ${server.url}  (model ${name}; Ctrl-C to stop)\n`);
      const stop = (): void => void server.close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
