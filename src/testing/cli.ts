// The one way tests run the `flowseg` CLI as a user does: a child Node process on bin/flowseg.js
// (test code only). In-process runs of a single command use src/cli/testing.ts instead.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { join } from 'node:path';
import { packageRoot } from '../util/paths.js';

/** bin/flowseg.js of this checkout (for the few tests that need node's async spawn: servers, kills). */
export const FLOWSEG_BIN = join(packageRoot(), 'bin', 'flowseg.js');

export interface CliOptions {
  /** The child's environment (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** Milliseconds before the child is killed. */
  timeout?: number;
  /** Node flags before the script (e.g. `--import` of a test hook). */
  nodeArgs?: readonly string[];
  cwd?: string;
}

/** Runs `flowseg <args>` to the end; stdout and stderr as text, the exit code in `status`. */
export function runCli(args: readonly string[], o: CliOptions = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [...(o.nodeArgs ?? []), FLOWSEG_BIN, ...args], { encoding: 'utf8', env: o.env, timeout: o.timeout, cwd: o.cwd });
}
