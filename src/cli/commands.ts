import type { Command } from 'commander';
import { register as registerDataInfo } from './dataInfo.js';
import { register as registerPrepare } from './prepare.js';
import { register as registerReport } from './report.js';
import { register as registerTrain } from './train.js';
import { register as registerSample } from './sample.js';
import { register as registerEvaluate } from './evaluate.js';
import { register as registerMain } from './mainJob.js';
import { register as registerCv } from './cv.js';
import { register as registerExport } from './export.js';
import { register as registerView } from './view.js';

/** Each CLI command lives in its own file and exports a `register(program)` function. */
export type RegisterCommand = (program: Command) => void;

export const commands: RegisterCommand[] = [
  registerMain,
  registerTrain,
  registerSample,
  registerEvaluate,
  registerPrepare,
  registerDataInfo,
  registerReport,
  registerCv,
  registerExport,
  registerView,
];
