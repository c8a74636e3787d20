import type { Command } from 'commander';
import { FLOW_NAMES, type FlowName } from '../models/config.js';
import { importTorch } from '../import/importTorch.js';
import type { ModelOverrides } from '../import/inferConfig.js';
import { checkOutputDir } from '../util/outputDir.js';
import { intList, nonNegativeInt, oneOf, positiveInt } from './options.js';

interface ImportFlags {
  out: string;
  overwrite?: boolean;
  model?: 'probunet' | 'detunet';
  inChannels?: number;
  filters?: number[];
  convsPerBlock?: number;
  latent?: number;
  flow?: FlowName;
  flowSteps?: number;
  data?: string;
  size?: number;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('import-torch')
    .description("turn a PyTorch checkpoint (torch.save state_dict: flowseg/bench names or Knegt's Probabilistic-Unet-Pytorch) into a flowseg run folder")
    .argument('<model.pth>', 'file written by torch.save (zip or legacy); nothing in it is executed')
    .requiredOption('--out <dir>', 'run folder to write (config.json + checkpoint-best.safetensors): new, empty, or an earlier import')
    .option('--overwrite', 'also write into a folder flowseg did not create (only its own files are replaced)')
    .option('--model <kind>', 'probunet | detunet (default: from the tensors)', oneOf(['probunet', 'detunet'] as const))
    .option('--in-channels <C>', 'image channels (default: from the first conv)', positiveInt)
    .option('--filters <list>', 'U-Net filters per level, e.g. 32,64,128,192 (default: from the tensors)', intList)
    .option('--convs-per-block <N>', 'convs per U-Net block (default: from the tensors)', positiveInt)
    .option('--latent <L>', 'latent size (default: from prior head)', positiveInt)
    .option('--flow <name>', `${FLOW_NAMES.join(' | ')} (default: from flow.steps.*)`, oneOf(FLOW_NAMES))
    .option('--flow-steps <K>', 'flow steps (default: from flow.steps.*)', nonNegativeInt)
    .option('--data <dir|synthetic>', "dataset recorded as the run's data (evaluate's default --data)", 'synthetic')
    .option('--size <N>', "input height = width for sample/export (default: the prepared --data's size, else 128)", positiveInt)
    .option('--json', 'print a JSON summary')
    .action((file: string, f: ImportFlags) => {
      checkOutputDir(f.out, 'run', { overwrite: f.overwrite }); // before reading a large file
      const overrides: ModelOverrides = {};
      if (f.model !== undefined) overrides.model = f.model;
      if (f.inChannels !== undefined) overrides.inChannels = f.inChannels;
      if (f.filters !== undefined) overrides.filters = f.filters;
      if (f.convsPerBlock !== undefined) overrides.convsPerBlock = f.convsPerBlock;
      if (f.latent !== undefined) overrides.latent = f.latent;
      if (f.flow !== undefined) overrides.flow = f.flow;
      if (f.flowSteps !== undefined) overrides.flowSteps = f.flowSteps;
      const r = importTorch({ file, out: f.out, overwrite: f.overwrite, model: overrides, data: f.data, size: f.size });
      if (f.json) {
        process.stdout.write(`${JSON.stringify(r)}\n`);
        return;
      }
      const c = r.modelConfig;
      process.stdout.write(
        `imported ${file} (${r.layout} layout, ${r.tensors} tensors, ${r.parameters} parameters) → ${r.out}\n` +
          `${r.variant}: in ${c.inChannels}, filters [${c.filters}], ${c.convsPerBlock} convs/block, latent ${c.latent}, ${c.dtype}\n` +
          r.notes.map((n) => `note: ${n}\n`).join(''),
      );
    });
}
