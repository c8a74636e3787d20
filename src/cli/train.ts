import type { Command } from 'commander';
import { train, DEFAULT_TRAIN, readCheckpoint, disposeCheckpoint, LAST, type TrainConfig } from '../train/index.js';
import { DEFAULT_MODEL_CONFIG, FLOW_NAMES, variantName, type FlowName, type ModelKind } from '../models/config.js';
import { join } from 'node:path';
import { intList, nonNegativeInt, nonNegativeNumber, oneOf, positiveInt, positiveNumber } from './options.js';

export interface TrainFlags {
  data: string;
  model: ModelKind;
  flow: FlowName;
  flowSteps?: number;
  out: string;
  seed: number;
  fold?: number;
  folds: number;
  epochs?: number;
  maxSteps?: number;
  maxMinutes?: number;
  batchSize: number;
  lr: number;
  weightDecay: number;
  raters: 'all' | 'single';
  patience: number;
  monitor: 'loss' | 'ged';
  filters: number[];
  latent: number;
  beta: number;
  kl: 'analytic' | 'mc';
  augment?: boolean;
  resume?: boolean;
  overwrite?: boolean;
  syntheticItems: number;
  syntheticSize: number;
  maxValImages: number;
  json?: boolean;
}

/** Builds the run's TrainConfig from CLI flags (defaults: MODEL.md / the papers, scaled for CPU where noted). */
export function trainConfigFromFlags(f: TrainFlags): TrainConfig {
  const flowSteps = f.flow === 'none' || f.model === 'detunet' ? 0 : (f.flowSteps ?? 2);
  const modelConfig = { ...DEFAULT_MODEL_CONFIG, model: f.model, flow: f.model === 'detunet' ? 'none' : f.flow, flowSteps, filters: f.filters, latent: f.latent, beta: f.beta, klMode: f.kl } as const;
  return {
    ...DEFAULT_TRAIN,
    data: f.data,
    modelConfig: { ...modelConfig },
    variant: variantName(modelConfig),
    seed: f.seed,
    split: f.fold !== undefined ? { kind: 'kfold', fold: f.fold, folds: f.folds } : DEFAULT_TRAIN.split,
    raters: f.raters,
    augment: f.augment === true,
    batchSize: f.batchSize,
    lr: f.lr,
    weightDecay: f.weightDecay,
    epochs: f.epochs ?? DEFAULT_TRAIN.epochs,
    maxSteps: f.maxSteps ?? null,
    maxMinutes: f.maxMinutes ?? null,
    patience: f.patience,
    monitor: f.monitor,
    maxValImages: f.maxValImages,
    synthetic: { ...DEFAULT_TRAIN.synthetic, items: f.syntheticItems, size: f.syntheticSize },
  };
}

export function addTrainOptions(cmd: Command): Command {
  return cmd
    .option('--data <dir|synthetic>', 'prepared data dir (flowseg prepare) or "synthetic"', 'synthetic')
    .option('--model <kind>', 'detunet | probunet', oneOf(['detunet', 'probunet'] as const), 'probunet')
    .option('--flow <name>', FLOW_NAMES.join(' | '), oneOf(FLOW_NAMES), 'none')
    .option('--flow-steps <K>', 'flow steps (default 2 when a flow is chosen)', nonNegativeInt)
    .option('--seed <S>', 'random seed (weights, data order, split)', nonNegativeInt, 1)
    .option('--fold <k>', 'k-fold CV by patient: use fold k as test (default: 60/20/20 split)', nonNegativeInt)
    .option('--folds <N>', 'number of folds with --fold', positiveInt, 10)
    .option('--epochs <N>', 'maximum epochs', positiveInt)
    .option('--max-steps <N>', 'stop after N optimizer steps', positiveInt)
    .option('--max-minutes <M>', 'stop after M minutes of training', positiveNumber)
    .option('--batch-size <B>', 'batch size', positiveInt, DEFAULT_TRAIN.batchSize)
    .option('--lr <x>', 'Adam learning rate', positiveNumber, DEFAULT_TRAIN.lr)
    .option('--weight-decay <x>', 'L2 weight decay', nonNegativeNumber, DEFAULT_TRAIN.weightDecay)
    .option('--raters <mode>', 'all (random rater per draw) | single (rater 0)', oneOf(['all', 'single'] as const), 'all')
    .option('--patience <N>', 'early-stopping patience in epochs', positiveInt, DEFAULT_TRAIN.patience)
    .option('--monitor <m>', 'validation metric for early stopping: loss | ged', oneOf(['loss', 'ged'] as const), 'loss')
    .option('--filters <list>', 'U-Net filters per level', intList, DEFAULT_MODEL_CONFIG.filters)
    .option('--latent <L>', 'latent size', positiveInt, DEFAULT_MODEL_CONFIG.latent)
    .option('--beta <x>', 'weight of the KL term', nonNegativeNumber, 1)
    .option('--kl <mode>', 'vanilla PU-Net KL: analytic | mc', oneOf(['analytic', 'mc'] as const), 'analytic')
    .option('--augment', 'random flips (off by default)')
    .option('--max-val-images <N>', 'validation images per epoch', positiveInt, 200)
    .option('--synthetic-items <N>', 'items in the synthetic set', positiveInt, DEFAULT_TRAIN.synthetic.items)
    .option('--synthetic-size <px>', 'side of synthetic images', positiveInt, DEFAULT_TRAIN.synthetic.size);
}

export function register(program: Command): void {
  addTrainOptions(program.command('train').description('train a model; writes checkpoint-last/best, config.json, split.json, log.jsonl to --out'))
    .requiredOption('--out <dir>', 'run directory')
    .option('--resume', 'continue the run in --out exactly where it stopped (budgets may be raised)')
    .option('--overwrite', 'also train into a non-empty folder flowseg did not create (your files there are kept)')
    .option('--json', 'print a JSON summary at the end')
    .action((flags: TrainFlags, cmd: Command) => {
      let config = trainConfigFromFlags(flags);
      if (flags.resume) {
        const ckpt = readCheckpoint(join(flags.out, LAST), 'last');
        disposeCheckpoint(ckpt);
        const given = (name: string): boolean => cmd.getOptionValueSource(name) === 'cli';
        config = {
          ...ckpt.config,
          epochs: given('epochs') ? config.epochs : ckpt.config.epochs,
          maxSteps: given('maxSteps') ? config.maxSteps : ckpt.config.maxSteps,
          maxMinutes: given('maxMinutes') ? config.maxMinutes : ckpt.config.maxMinutes,
        };
      } else {
        process.stderr.write(`flowseg train: ${config.variant} on ${config.data} → ${flags.out}\n${JSON.stringify(config)}\n`);
      }
      const result = train({ config, outDir: flags.out, resume: flags.resume, overwrite: flags.overwrite, progress: true });
      const summary = { out: flags.out, variant: config.variant, steps: result.state.step, epochs: result.state.epoch, stopReason: result.stopReason, bestEpoch: result.state.bestEpoch, bestMetric: result.state.bestMetric };
      process.stdout.write(flags.json ? `${JSON.stringify(summary)}\n` : `trained ${summary.variant}: ${summary.steps} steps, ${summary.epochs} epochs (${summary.stopReason}); best epoch ${summary.bestEpoch}; checkpoints in ${flags.out}\n`);
      result.model.dispose();
    });
}
