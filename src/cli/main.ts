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
    // Flag errors read like every other failure: one line, `flowseg: …`, the help hint on it.
    .configureOutput({ outputError: (str, write) => write(`flowseg: ${str.replace(/^error: /, '').trimEnd()} (run with --help for usage)\n`) })
    .exitOverride(); // before registering: subcommands copy the settings
  const named = argv.slice(2).find((a) => !a.startsWith('-'));
  const wanted = named !== undefined && named in commands ? [named] : argv.slice(2).some((a) => a === '-V' || a === '--version') ? [] : Object.keys(commands);
  for (const name of wanted) {
    try {
      (await (commands[name] as () => Promise<{ register: (p: Command) => void }>)()).register(program);
    } catch (err) {
      const why = unavailable(err);
      if (wanted.length === 1) throw new FlowsegInputError(`flowseg ${name}: ${why}`);
      program
        .command(name)
        .description('(needs the libtorch addon, not built here; run it to see how to build it)')
        .allowUnknownOption()
        .action(() => {
          throw new FlowsegInputError(`flowseg ${name}: ${why}`);
        });
    }
  }
  return program;
}

/** The libtorch addon is optional (scripts/install.mjs builds it when libtorch is found); other load errors are bugs. */
function unavailable(err: unknown): string {
  const message = (err as Error).message ?? String(err);
  if (!/native engine is not built|flowseg_native|libtorch|libc10/.test(message)) throw err;
  const build = `node ${join(packageRoot(), 'scripts', 'install.mjs')}`;
  const cause = (message.split('\n')[0] ?? '').replace(/^flowseg: /, '').replace(/ — run \x60npm run setup\x60$/, ''); // that advice is for clones
  return `needs the libtorch addon, which did not load (${cause}); build it with \`${build}\` once libtorch is installed (apt-get install libtorch-dev, pip install torch, or LIBTORCH_DIR=…); \`view\`, \`sample --engine onnx\` and \`report\` work without it`;
}

/**
 * How the CLI ends on an error: exit 2 and one line for anything the user can fix — a
 * FlowsegInputError, a file-system error such as ENOENT, EACCES or ENOSPC, an allocation that
 * fails (a RangeError: too large an input or flag); exit 1 and one line for an internal error
 * (a bug: please report it). The stack trace is printed only with `--debug` or FLOWSEG_DEBUG=1.
 */
export function describeFailure(err: unknown): { exitCode: 1 | 2; message: string } {
  if (err instanceof FlowsegInputError) return { exitCode: 2, message: oneLine(err.message) };
  const e = err as { code?: unknown; syscall?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : undefined;
  const message = oneLine(typeof e?.message === 'string' ? e.message : String(err));
  if (code !== undefined && typeof e?.syscall === 'string' && /^E[A-Z0-9]+$/.test(code)) {
    return { exitCode: 2, message: `${message}${SYSTEM_FIXES[code] ?? ''}` };
  }
  if (code === 'ERR_FS_FILE_TOO_LARGE') return { exitCode: 2, message: `${message}; the file is too large to read at once` };
  // A safety net behind the limits in src/util/limits.ts: an allocation that fails is caused by
  // something too large in the input or the flags, not by a bug in the code path.
  if (err instanceof RangeError && /allocation failed|Invalid (typed )?array length|Array buffer|larger than/i.test(message)) {
    return {
      exitCode: 2,
      message: `out of memory: ${message}; an input or flag asks for more than this machine holds — check image sizes, -n and the FLOWSEG_MAX_* limits`,
    };
  }
  return { exitCode: 1, message: `internal error: ${message} — please report it (rerun with --debug for the stack trace)` };
}

const SYSTEM_FIXES: Record<string, string> = {
  ENOENT: ' — check the path',
  EACCES: ' — check the file permissions',
  EPERM: ' — check the file permissions',
  ENOSPC: ' — the disk is full: free space (or choose another --out) and run again',
  EDQUOT: ' — the disk quota is exceeded: free space and run again',
  EISDIR: ' — a folder was given where a file is expected',
  ENOTDIR: ' — a file was given where a folder is expected',
  EMFILE: ' — too many open files: raise `ulimit -n`',
  EROFS: ' — the file system is read-only: choose another --out',
};

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').trim();
}

/** Prints the failure as one line (plus the stack with --debug) and exits. */
function fail(err: unknown, debug: boolean): never {
  const { exitCode, message } = describeFailure(err);
  process.stderr.write(`flowseg: ${message}\n`);
  if (debug && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  process.exit(exitCode);
}

/** Entry point: `--debug` (anywhere) or FLOWSEG_DEBUG=1 adds stack traces to error messages. */
export async function runCli(argv: string[]): Promise<void> {
  const debug = argv.includes('--debug') || process.env.FLOWSEG_DEBUG === '1';
  const args = argv.filter((a) => a !== '--debug');
  // Errors raised outside the command's promise (stream and server callbacks) end the same way.
  process.on('uncaughtException', (err) => fail(err, debug));
  process.on('unhandledRejection', (err) => fail(err, debug));
  try {
    await (await buildProgram(args)).parseAsync(args);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exit(err.exitCode === 0 ? 0 : 2);
    }
    fail(err, debug);
  }
}
