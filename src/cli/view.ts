import type { Command } from 'commander';
import { startViewServer } from '../export/viewServer.js';
import { port } from './options.js';

interface ViewFlags {
  model: string;
  port: number;
}

export function register(program: Command): void {
  program
    .command('view')
    .description('serve the browser viewer on 127.0.0.1 with an exported model (sample, mean/std maps, download masks); Ctrl-C stops it')
    .requiredOption('--model <model.onnx>', 'a model written by `flowseg export`')
    .option('--port <P>', 'port (0 = any free port)', port, 8080)
    .action(async (f: ViewFlags) => {
      const server = await startViewServer({ modelPath: f.model, port: f.port });
      process.stdout.write(`flowseg viewer: ${server.url}  (model ${f.model}; Ctrl-C to stop)\n`);
      const stop = (): void => void server.close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
