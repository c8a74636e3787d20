import type { Command } from 'commander';

/** Each CLI command lives in its own file and exports a `register(program)` function. */
export type RegisterCommand = (program: Command) => void;

/**
 * Command name → its module, imported only when needed: `flowseg view`, `sample --engine onnx`,
 * `report`, `--version` and friends must run without the libtorch addon (an ONNX-only install),
 * so no command's engine imports may load for another command.
 */
export const commands: Record<string, () => Promise<{ register: RegisterCommand }>> = {
  main: () => import('./mainJob.js'),
  train: () => import('./train.js'),
  sample: () => import('./sample.js'),
  evaluate: () => import('./evaluate.js'),
  prepare: () => import('./prepare.js'),
  data: () => import('./dataInfo.js'),
  report: () => import('./report.js'),
  cv: () => import('./cv.js'),
  export: () => import('./export.js'),
  view: () => import('./view.js'),
  'dist-check': () => import('./distCheck.js'),
  'import-torch': () => import('./importTorch.js'),
  models: () => import('./models.js'),
};
