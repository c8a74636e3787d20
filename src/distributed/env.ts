import { availableParallelism } from 'node:os';
import { FlowsegInputError } from '../util/errors.js';

/** Where this process sits in a data-parallel job (torchrun's environment contract). */
export interface DistEnv {
  rank: number;
  worldSize: number;
  /** Rank on this machine (picks the GPU; splits the cores). */
  localRank: number;
  localWorldSize: number;
  masterAddr: string;
  masterPort: number;
}

export const DEFAULT_MASTER_PORT = 29500;

type Env = Record<string, string | undefined>;

/**
 * Reads RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR, MASTER_PORT as torchrun,
 * a Kubernetes Indexed Job or a Kubeflow PyTorchJob set them; Slurm's SLURM_PROCID /
 * SLURM_NTASKS / SLURM_LOCALID are the fallback under srun. Returns null for a plain
 * single-process run (no WORLD_SIZE/SLURM_NTASKS, or a world of 1).
 */
export function readDistEnv(env: Env = process.env): DistEnv | null {
  const torch = env.WORLD_SIZE !== undefined;
  const slurm = !torch && env.SLURM_NTASKS !== undefined && env.SLURM_PROCID !== undefined;
  if (!torch && !slurm) return null;
  const worldSize = int(env, torch ? 'WORLD_SIZE' : 'SLURM_NTASKS', 1);
  if (worldSize === 1) return null;
  const rankKey = torch ? 'RANK' : 'SLURM_PROCID';
  if (env[rankKey] === undefined)
    throw new FlowsegInputError(`WORLD_SIZE=${worldSize} is set but ${rankKey} is not — set ${rankKey} to this process's rank (0..${worldSize - 1})`);
  const rank = int(env, rankKey, 0);
  if (rank >= worldSize) throw new FlowsegInputError(`${rankKey}=${rank} is not below the world size ${worldSize} — ranks are 0..${worldSize - 1}`);
  const localRank = int(env, torch ? 'LOCAL_RANK' : 'SLURM_LOCALID', 0, env[torch ? 'LOCAL_RANK' : 'SLURM_LOCALID'] === undefined ? 0 : undefined);
  const localWorldSize = torch
    ? int(env, 'LOCAL_WORLD_SIZE', 1, env.LOCAL_WORLD_SIZE === undefined ? 1 : undefined)
    : slurmTasksPerNode(env.SLURM_NTASKS_PER_NODE);
  const masterAddr = env.MASTER_ADDR;
  if (!masterAddr) {
    throw new FlowsegInputError(
      `rank ${rank} of ${worldSize}: MASTER_ADDR is not set — export MASTER_ADDR=<host of rank 0> (under Slurm: MASTER_ADDR=$(scontrol show hostnames "$SLURM_JOB_NODELIST" | head -n1))`,
    );
  }
  const masterPort = int(env, 'MASTER_PORT', 1, env.MASTER_PORT === undefined ? DEFAULT_MASTER_PORT : undefined);
  if (masterPort > 65535) throw new FlowsegInputError(`MASTER_PORT=${masterPort} is not a TCP port (1..65535)`);
  return { rank, worldSize, localRank, localWorldSize, masterAddr, masterPort };
}

/** SLURM_NTASKS_PER_NODE is "4", or "4(x2),2" on uneven allocations; its first count splits the threads. */
function slurmTasksPerNode(raw: string | undefined): number {
  const n = Number.parseInt(raw ?? '', 10);
  return Number.isInteger(n) && n > 0 ? n : 1;
}

function int(env: Env, key: string, min: number, fallback?: number): number {
  const raw = env[key];
  if (raw === undefined && fallback !== undefined) return fallback;
  const v = Number(raw);
  if (raw === undefined || raw.trim() === '' || !Number.isInteger(v) || v < min) {
    throw new FlowsegInputError(`${key}=${raw ?? '(unset)'} must be an integer ≥ ${min}`);
  }
  return v;
}

/** FLOWSEG_THREADS for each of `localWorkers` processes on one machine: the cores split evenly. */
export function threadsPerWorker(localWorkers: number, env: Env = process.env, cores = availableParallelism()): number {
  if (env.FLOWSEG_THREADS !== undefined) return Number(env.FLOWSEG_THREADS);
  return Math.max(1, Math.floor(cores / Math.max(1, localWorkers)));
}
