import type { Command } from 'commander';
import { startViewServer } from '../export/viewServer.js';
import { port } from './options.js';
import { modelNames, resolveModelArg } from '../zoo/registry.js';
import { FlowsegInputError } from '../util/errors.js';

interface ViewFlags {
  model?: string;
  port: number;
}

export function register(program: Command): void {
  program
    .command('view')
    .description('serve the browser viewer on 127.0.0.1 with an exported model (sample, mean/std maps, download masks); Ctrl-C stops it')
    .option('--model <name|model.onnx>', 'a shipped model (`flowseg models`; default: the first one) or a file written by `flowseg export`')
    .option('--port <P>', 'port (0 = any free port)', port, 8080)
    .action(async (f: ViewFlags) => {
      const name = f.model ?? modelNames()[0];
      if (name === undefined) throw new FlowsegInputError('--model <model.onnx> is required: no models are shipped here (write one with `flowseg export`)');
      const { path } = resolveModelArg(name, '--model');
      const server = await startViewServer({ modelPath: path, port: f.port });
      process.stdout.write(`flowseg viewer: ${server.url}  (model ${name}; Ctrl-C to stop)\n`);
      const stop = (): void => void server.close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
