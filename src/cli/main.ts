import { Command, CommanderError } from 'commander';
import { FlowsegInputError } from '../util/errors.js';
import { commands } from './commands.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../util/paths.js';

/** Builds the `flowseg` program: every command registers itself from its own file. */
export function buildProgram(): Command {
  const program = new Command('flowseg')
    .description('Probabilistic segmentation of ambiguous medical images (Probabilistic U-Net + normalizing flows)')
    .version((JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride(); // before registering: subcommands copy the setting
  for (const register of commands) register(program);
  return program;
}

/** Entry point: one-line errors with exit code 2 for bad input, stack traces only for bugs. */
export async function runCli(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exit(err.exitCode === 0 ? 0 : 2);
    }
    if (err instanceof FlowsegInputError) {
      process.stderr.write(`flowseg: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}
