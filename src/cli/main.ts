import { Command, CommanderError } from 'commander';
import { FlowsegInputError } from '../util/errors.js';
import { commands } from './commands.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../util/paths.js';

/**
 * Builds the `flowseg` program: every command registers itself from its own file. Only the
 * command named in `argv` is imported (see commands.ts); without one (--help, --version, a
 * typo) all are, and one that cannot load (no libtorch addon) is listed with the reason.
 */
export async function buildProgram(argv: string[] = process.argv): Promise<Command> {
  const program = new Command('flowseg')
    .description('Probabilistic segmentation of ambiguous medical images (Probabilistic U-Net + normalizing flows)')
    .version((JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride(); // before registering: subcommands copy the setting
  const named = argv.slice(2).find((a) => !a.startsWith('-'));
  const wanted = named !== undefined && named in commands ? [named] : argv.slice(2).some((a) => a === '-V' || a === '--version') ? [] : Object.keys(commands);
  for (const name of wanted) {
    try {
      (await (commands[name] as () => Promise<{ register: (p: Command) => void }>)()).register(program);
    } catch (err) {
      const why = unavailable(err);
      if (wanted.length === 1) throw new FlowsegInputError(`flowseg ${name}: ${why}`);
      program.command(name).description(`(unavailable: ${why})`).allowUnknownOption().action(() => {
        throw new FlowsegInputError(`flowseg ${name}: ${why}`);
      });
    }
  }
  return program;
}

/** The libtorch addon is optional (see scripts/install.mjs); other load errors are bugs. */
function unavailable(err: unknown): string {
  const message = (err as Error).message ?? String(err);
  if (!/native engine is not built|flowseg_native|libtorch|libc10/.test(message)) throw err;
  return `${message.split('\n')[0]} — this command needs the libtorch addon (README: "Install"); \`view\`, \`sample --engine onnx\` and \`report\` work without it`;
}

/** Entry point: one-line errors with exit code 2 for bad input, stack traces only for bugs. */
export async function runCli(argv: string[]): Promise<void> {
  try {
    await (await buildProgram(argv)).parseAsync(argv);
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
