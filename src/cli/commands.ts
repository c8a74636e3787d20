import type { Command } from 'commander';
import { register as registerDataInfo } from './dataInfo.js';
import { register as registerPrepare } from './prepare.js';
import { register as registerReport } from './report.js';

/** Each CLI command lives in its own file and exports a `register(program)` function. */
export type RegisterCommand = (program: Command) => void;

export const commands: RegisterCommand[] = [
  registerPrepare,
  registerDataInfo,
  registerReport,
];
