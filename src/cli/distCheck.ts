/** `flowseg dist-check [--nproc-per-node N]`: do the ranks of a data-parallel job see each other? */
import type { Command } from 'commander';
import { readDistEnv } from '../distributed/env.js';
import { launchLocal, withoutNprocFlag } from '../distributed/launch.js';
import { distCheck, formatDistCheck } from '../distributed/check.js';
import { FlowsegEngineError, FlowsegInputError } from '../util/errors.js';
import { oneOf, positiveInt, positiveNumber } from './options.js';

interface Flags {
  nprocPerNode?: number;
  timeout: number;
  megabytes: number;
  backend: 'gloo' | 'nccl';
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('dist-check')
    .description(
      'rendezvous + all-reduce across the ranks set by RANK/WORLD_SIZE/MASTER_ADDR/MASTER_PORT (torchrun, srun, Kubernetes); rank 0 prints every rank',
    )
    .option('--nproc-per-node <n>', 'start n local workers (like torchrun --standalone)', positiveInt)
    .option('--timeout <seconds>', 'fail when a rank has not joined after this long', positiveNumber, 60)
    .option('--megabytes <mb>', 'size of the timed all-reduce', positiveNumber, 25)
    .option('--backend <name>', 'gloo (CPU) or nccl (CUDA libtorch)', oneOf(['gloo', 'nccl'] as const), 'gloo')
    .option('--json', 'print the result as JSON')
    .action(async (f: Flags) => {
      if (f.nprocPerNode !== undefined && readDistEnv() === null) {
        process.exitCode = await launchLocal({ nproc: f.nprocPerNode, argv: [...process.execArgv, ...withoutNprocFlag(process.argv.slice(1))] });
        return;
      }
      const env = readDistEnv();
      if (env === null)
        throw new FlowsegInputError(
          'dist-check: WORLD_SIZE/RANK (or SLURM_NTASKS/SLURM_PROCID) are not set — start it like training (srun, torchrun-style env) or pass --nproc-per-node N',
        );
      let result: ReturnType<typeof distCheck>;
      try {
        result = distCheck(env, { timeoutMs: f.timeout * 1000, megabytes: f.megabytes, backend: f.backend });
      } catch (err) {
        if (!(err instanceof FlowsegEngineError)) throw err;
        process.stderr.write(`flowseg dist-check: rank ${env.rank} of ${env.worldSize}: ${err.message}\n`);
        process.exit(1);
      }
      if (env.rank !== 0) return;
      process.stdout.write(f.json ? `${JSON.stringify(result)}\n` : `${formatDistCheck(result)}\n`);
    });
}
