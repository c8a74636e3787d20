import { spawn, type ChildProcess } from 'node:child_process';
import { FlowsegInputError } from '../util/errors.js';
import { threadsPerWorker } from './env.js';
import { freePort } from './port.js';

export interface LaunchOptions {
  nproc: number;
  /** The command line each worker runs: [node flags…, script, args…] (without --nproc-per-node). */
  argv: string[];
  env?: NodeJS.ProcessEnv;
  /** After the first worker fails, how long the others get to exit before SIGKILL. */
  graceMs?: number;
}

/**
 * `torchrun --standalone --nproc-per-node N`: starts N workers of the same command on this
 * machine with RANK/WORLD_SIZE/LOCAL_RANK/MASTER_ADDR/MASTER_PORT set (a free loopback port)
 * and FLOWSEG_THREADS splitting the cores. When one worker fails the others are stopped;
 * resolves with the first non-zero exit code, or 0.
 */
export async function launchLocal(opts: LaunchOptions): Promise<number> {
  if (!Number.isInteger(opts.nproc) || opts.nproc < 1) throw new FlowsegInputError(`--nproc-per-node ${opts.nproc}: must be an integer ≥ 1`);
  const base = opts.env ?? process.env;
  const port = await freePort();
  const threads = threadsPerWorker(opts.nproc, base);
  const children: ChildProcess[] = [];
  let failed = 0;
  const stopOthers = (): void => {
    const alive = (): ChildProcess[] => children.filter((c) => c.exitCode === null && c.signalCode === null);
    for (const c of alive()) c.kill('SIGTERM');
    setTimeout(() => {
      for (const c of alive()) c.kill('SIGKILL');
    }, opts.graceMs ?? 10_000).unref();
  };
  const forward = (sig: NodeJS.Signals): void => {
    for (const c of children) c.kill(sig);
  };
  process.on('SIGINT', forward).on('SIGTERM', forward);
  try {
    const exits = Array.from({ length: opts.nproc }, (_, rank) => {
      const env = {
        ...base,
        RANK: String(rank),
        WORLD_SIZE: String(opts.nproc),
        LOCAL_RANK: String(rank),
        LOCAL_WORLD_SIZE: String(opts.nproc),
        MASTER_ADDR: '127.0.0.1',
        MASTER_PORT: String(port),
        FLOWSEG_THREADS: String(threads),
      };
      const child = spawn(process.execPath, opts.argv, { env, stdio: 'inherit' });
      children.push(child);
      return new Promise<number>((resolve) => {
        child.on('exit', (code, signal) => {
          const status = code ?? (signal ? 128 + 15 : 1);
          if (status !== 0 && failed === 0) {
            failed = status;
            process.stderr.write(`flowseg: worker rank ${rank} exited with ${signal ?? `code ${code}`}; stopping the other workers\n`);
            stopOthers();
          }
          resolve(status);
        });
      });
    });
    await Promise.all(exits);
    return failed;
  } finally {
    process.off('SIGINT', forward).off('SIGTERM', forward);
  }
}

/** Removes `--nproc-per-node N` / `--nproc-per-node=N` from a command line. */
export function withoutNprocFlag(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--nproc-per-node') i++;
    else if (!a.startsWith('--nproc-per-node=')) out.push(a);
  }
  return out;
}
