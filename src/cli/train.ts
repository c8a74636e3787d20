import type { Command } from 'commander';
import { buildTrainConfig, readConfigLayer, type TrainConfigLayer } from '../experiments/trainConfig.js';
import { defaultProfile, PROFILE_NAMES, PROFILES, type ProfileName } from '../experiments/profiles.js';
import { FLOW_NAMES, DEFAULT_MODEL_CONFIG, PRIOR_KINDS, type FlowName, type ModelKind, type PriorKind } from '../models/config.js';
import { disposeCheckpoint, readCheckpoint, runFile, type TrainConfig } from '../run/index.js';
import { DEFAULT_TRAIN, train } from '../train/index.js';
import { LR_SCHEDULES, type LrSchedule } from '../run/config.js';
import { FlowsegEngineError, FlowsegInputError } from '../util/errors.js';
import { readDistEnv, threadsPerWorker } from '../distributed/env.js';
import { launchLocal, withoutNprocFlag } from '../distributed/launch.js';
import { DistributedTraining } from '../distributed/training.js';
import { cudaAvailable, setNumThreads } from '../tensor/engine.js';
import { gradClipSetting, intList, splitFractions, nonNegativeInt, nonNegativeNumber, oneOf, positiveInt, positiveNumber, samplesPerImage } from './options.js';

/** The flags as commander parses them: undefined unless given (defaults come from the config builder). */
export interface TrainFlags {
  out: string;
  config?: string;
  profile?: ProfileName;
  data?: string;
  model?: ModelKind;
  flow?: FlowName;
  flowSteps?: number;
  seed?: number;
  fold?: number;
  folds?: number;
  splitFile?: string;
  split?: { train: number; val: number; test: number };
  valFraction?: number;
  epochs?: number;
  maxSteps?: number;
  maxMinutes?: number;
  batchSize?: number;
  lr?: number;
  lrSchedule?: LrSchedule;
  warmupSteps?: number;
  weightDecay?: number;
  priorLrScale?: number;
  gradClip?: number | 'auto' | null;
  outputBias?: 'random' | 'foreground';
  raters?: 'all' | 'single';
  patience?: number;
  monitor?: 'loss' | 'ged';
  valEvery?: number;
  valSamples?: number;
  maxValImages?: number;
  filters?: number[];
  latent?: number;
  beta?: number;
  prior?: PriorKind;
  kl?: 'analytic' | 'mc';
  augment?: boolean;
  syntheticItems?: number;
  syntheticSize?: number;
  resume?: boolean;
  overwrite?: boolean;
  json?: boolean;
  nprocPerNode?: number;
  distTimeout: number;
}

/** The layer the given flags contribute (only what the user typed). */
export function flagsLayer(f: TrainFlags): TrainConfigLayer {
  const flowSteps = f.flowSteps ?? (f.flow !== undefined && f.flow !== 'none' ? 2 : f.flow === 'none' ? 0 : undefined);
  return {
    modelConfig: { model: f.model, flow: f.flow, flowSteps, filters: f.filters, latent: f.latent, prior: f.prior, beta: f.beta, klMode: f.kl },
    seed: f.seed,
    split:
      f.splitFile !== undefined
        ? { kind: 'file', file: f.splitFile, fold: f.fold ?? 0 }
        : f.fold !== undefined
          ? { kind: 'kfold', fold: f.fold, folds: f.folds ?? 10 }
          : f.split !== undefined
            ? { kind: 'fractions', ...f.split }
            : undefined,
    valFraction: f.valFraction,
    raters: f.raters,
    augment: f.augment,
    batchSize: f.batchSize,
    lr: f.lr,
    lrSchedule: f.lrSchedule,
    warmupSteps: f.warmupSteps,
    weightDecay: f.weightDecay,
    priorLrScale: f.priorLrScale,
    gradClip: f.gradClip,
    outputBiasInit: f.outputBias,
    epochs: f.epochs,
    maxSteps: f.maxSteps,
    maxMinutes: f.maxMinutes,
    patience: f.patience,
    monitor: f.monitor,
    valEverySteps: f.valEvery,
    valSamples: f.valSamples,
    maxValImages: f.maxValImages,
    synthetic: { items: f.syntheticItems, size: f.syntheticSize },
  };
}

/** defaults ← --config file ← flags. */
export function trainConfigFromFlags(f: TrainFlags): TrainConfig {
  if (f.folds !== undefined && f.fold === undefined) throw new FlowsegInputError('--folds needs --fold k (the fold used as test set)');
  if (f.split !== undefined && (f.fold !== undefined || f.splitFile !== undefined))
    throw new FlowsegInputError('--split gives train/val/test shares; it cannot be combined with --fold or --split-file (choose one split)');
  const file = f.config ? readConfigLayer(f.config) : undefined;
  const profile = f.profile ?? defaultProfile(cudaAvailable());
  return buildTrainConfig({ data: f.data ?? (file as { data?: string } | undefined)?.data ?? 'synthetic', profile, file, flags: flagsLayer(f) });
}

/** Flags a resumed run may change: its budgets. Any other given flag is refused by name. */
const RESUMABLE = new Set(['out', 'resume', 'json', 'epochs', 'maxSteps', 'maxMinutes', 'nprocPerNode', 'distTimeout']);

function resumedConfig(flags: TrainFlags, cmd: Command): TrainConfig {
  const given = (name: string): boolean => cmd.getOptionValueSource(name) === 'cli';
  const changed = cmd.options.map((o) => o.attributeName()).find((name) => given(name) && !RESUMABLE.has(name));
  if (changed) {
    const flag = cmd.options.find((o) => o.attributeName() === changed)?.long ?? changed;
    throw new FlowsegInputError(
      `${flag} cannot change a run being resumed (only --epochs, --max-steps and --max-minutes can); drop ${flag}, or start a new run in another --out`,
    );
  }
  const ckpt = readCheckpoint(runFile(flags.out, 'last'), 'last');
  disposeCheckpoint(ckpt);
  return {
    ...ckpt.config,
    epochs: flags.epochs ?? ckpt.config.epochs,
    maxSteps: flags.maxSteps ?? ckpt.config.maxSteps,
    maxMinutes: flags.maxMinutes ?? ckpt.config.maxMinutes,
  };
}

const d = DEFAULT_TRAIN;

/** `(default: 8 with the cpu profile, 96 with paper)` for keys a profile sets. */
function byProfile(
  key: 'batchSize' | 'lr' | 'lrSchedule' | 'warmupSteps' | 'gradClip' | 'outputBiasInit' | 'valEverySteps' | 'maxValImages' | 'valSamples' | 'patience',
  none: string,
): string {
  const show = (v: unknown): string => (v === null || v === undefined ? none : String(v));
  return `(default: ${PROFILE_NAMES.map((p) => `${show(PROFILES[p][key])} with the ${p} profile`).join(', ')})`;
}

export function addTrainOptions(cmd: Command): Command {
  return cmd
    .option(
      '--profile <name>',
      "cpu (default without CUDA: batch 8, constant lr 1e-4, validation every 250 steps on ≤ 100 images) | paper (the papers' batch 96, constant lr 1e-4, full validation each epoch)",
      oneOf(PROFILE_NAMES),
    )
    .option('--config <file>', 'a JSON/YAML file of training-config keys (docs/run-format.md); flags override it')
    .option('--data <dir|synthetic>', 'prepared data dir (flowseg prepare) or "synthetic" (default)')
    .option('--model <kind>', 'detunet | probunet (default)', oneOf(['detunet', 'probunet'] as const))
    .option('--flow <name>', `${FLOW_NAMES.join(' | ')} (default none)`, oneOf(FLOW_NAMES))
    .option('--flow-steps <K>', 'flow steps (default 2 when a flow is chosen)', nonNegativeInt)
    .option('--seed <S>', `random seed: weights, data order, split (default ${d.seed})`, nonNegativeInt)
    .option(
      '--fold <k>',
      "k-fold CV by patient (the papers' 90/10 protocol): fold k is the test set, a --val-fraction of the rest validates (default: 60/20/20 split)",
      nonNegativeInt,
    )
    .option('--folds <N>', 'number of folds with --fold (default 10)', positiveInt)
    .option('--split <train/val/test>', 'train/val/test shares by patient, e.g. 60/20/20 (the default split)', splitFractions)
    .option('--split-file <json>', "nnU-Net splits_final.json: --fold k's val cases are the test set, validation is carved from its train cases")
    .option('--val-fraction <x>', `share of training patients held out for validation when the split has none (default ${d.valFraction})`, nonNegativeNumber)
    .option('--epochs <N>', `maximum epochs (default ${d.epochs})`, positiveInt)
    .option('--max-steps <N>', 'stop after N optimizer steps', positiveInt)
    .option('--max-minutes <M>', 'stop after M minutes of training (validation included)', positiveNumber)
    .option('--batch-size <B>', `batch size ${byProfile('batchSize', String(d.batchSize))}`, positiveInt)
    .option('--lr <x>', `Adam learning rate (the peak of a cosine schedule) ${byProfile('lr', String(d.lr))}`, positiveNumber)
    .option(
      '--lr-schedule <name>',
      `constant | cosine (linear warm-up, then anneal to 2% of --lr as the step or --max-minutes budget runs out) ${byProfile('lrSchedule', d.lrSchedule)}`,
      oneOf(LR_SCHEDULES),
    )
    .option('--warmup-steps <N>', `linear warm-up steps of the cosine schedule ${byProfile('warmupSteps', String(d.warmupSteps))}`, nonNegativeInt)
    .option('--weight-decay <x>', `L2 weight decay (default ${d.weightDecay})`, nonNegativeNumber)
    .option(
      '--prior-lr-scale <x>',
      `the prior net learns at --lr × x, everything else at --lr (default ${d.priorLrScale}: one lr, as the papers)`,
      positiveNumber,
    )
    .option(
      '--grad-clip <x|auto|none>',
      `clip the global gradient norm to x; auto: to 4× the median norm of the last 100 steps (cuts spikes only) ${byProfile('gradClip', 'none')}`,
      gradClipSetting,
    )
    .option(
      '--output-bias <init>',
      `the output layer's starting bias: random (the reference's init) | foreground (logit of the training masks' foreground rate) ${byProfile('outputBiasInit', 'random')}`,
      oneOf(['random', 'foreground'] as const),
    )
    .option('--raters <mode>', 'all (random rater per draw, default) | single (rater 0)', oneOf(['all', 'single'] as const))
    .option('--patience <N>', `early-stopping patience in validation rounds ${byProfile('patience', String(d.patience))}`, positiveInt)
    .option('--monitor <m>', 'validation metric for early stopping: loss (default) | ged', oneOf(['loss', 'ged'] as const))
    .option('--val-every <steps>', `validate every N optimizer steps ${byProfile('valEverySteps', 'once per epoch')}`, positiveInt)
    .option('--val-samples <N>', `prior samples per image for the GED monitor ${byProfile('valSamples', String(d.valSamples))}`, samplesPerImage)
    .option('--max-val-images <N>', `validation images per round ${byProfile('maxValImages', 'all')}`, positiveInt)
    .option('--filters <list>', `U-Net filters per level (default ${DEFAULT_MODEL_CONFIG.filters.join(',')})`, intList)
    .option('--latent <L>', `latent size (default ${DEFAULT_MODEL_CONFIG.latent})`, positiveInt)
    .option('--beta <x>', 'weight of the KL term (default 1)', nonNegativeNumber)
    .option(
      '--prior <kind>',
      "the prior net: separate (its own encoder, the papers') | shared (a head on the U-Net encoder's pooled deepest features) (default separate)",
      oneOf(PRIOR_KINDS),
    )
    .option('--kl <mode>', 'vanilla PU-Net KL: analytic (default) | mc', oneOf(['analytic', 'mc'] as const))
    .option('--augment', 'random flips (off by default)')
    .option('--synthetic-items <N>', `items in the synthetic set (default ${d.synthetic.items})`, positiveInt)
    .option('--synthetic-size <px>', `side of synthetic images (default ${d.synthetic.size})`, positiveInt);
}

export function register(program: Command): void {
  addTrainOptions(program.command('train').description('train a model; writes checkpoint-last/best, config.json, split.json, log.jsonl to --out'))
    .requiredOption('--out <dir>', 'run directory (new or empty)')
    .option('--resume', 'continue the run in --out exactly where it stopped (budgets may be raised)')
    .option('--overwrite', 'also train into a non-empty folder flowseg did not create (your files there are kept)')
    .option('--json', 'print a JSON summary at the end')
    .option('--nproc-per-node <n>', 'data-parallel: start n local worker processes (like torchrun --standalone); --batch-size is per process', positiveInt)
    .option('--dist-timeout <seconds>', 'data-parallel: a rank that has not joined or answered after this long fails the others', positiveNumber, 300)
    .action(async (flags: TrainFlags, cmd: Command) => {
      // Validated in full before anything is printed or written (or any worker is started).
      const config = flags.resume ? resumedConfig(flags, cmd) : trainConfigFromFlags(flags);
      const env = readDistEnv();
      if (flags.nprocPerNode !== undefined && flags.nprocPerNode > 1 && env === null) {
        process.exitCode = await launchLocal({ nproc: flags.nprocPerNode, argv: [...process.execArgv, ...withoutNprocFlag(process.argv.slice(1))] });
        return;
      }
      if (env && process.env.FLOWSEG_THREADS === undefined) setNumThreads(threadsPerWorker(env.localWorldSize));
      const dist = env ? new DistributedTraining(env, { timeoutMs: flags.distTimeout * 1000 }) : undefined;
      const lead = (dist?.rank ?? 0) === 0;
      if (!flags.resume && lead)
        process.stderr.write(
          `flowseg train: ${config.variant} on ${config.data} → ${flags.out}${dist ? ` (${dist.worldSize} processes × batch ${config.batchSize})` : ''}; profile ${config.profile}${flags.profile ? '' : " (chosen for this machine; --profile paper gives the papers' settings)"}\n${JSON.stringify(config)}\n`,
        );
      let result: ReturnType<typeof train>;
      try {
        result = train({ config, outDir: flags.out, resume: flags.resume, overwrite: flags.overwrite, progress: true, distributed: dist });
      } catch (err) {
        if (!dist || !(err instanceof FlowsegEngineError)) throw err;
        // A peer died or timed out: one line per surviving rank, then exit (never hang).
        process.stderr.write(`flowseg train: rank ${dist.rank} of ${dist.worldSize}: ${err.message}\n`);
        process.exit(1);
      }
      dist?.close();
      result.model.dispose();
      if (!lead) return;
      const s = result.state;
      const best = s.bestEpoch < 0 ? 'no validation round yet' : `best at epoch ${s.bestEpoch}`;
      const summary = {
        out: flags.out,
        variant: config.variant,
        steps: s.step,
        epochs: s.epoch,
        stopReason: result.stopReason,
        bestEpoch: s.bestEpoch < 0 ? null : s.bestEpoch,
        bestMetric: s.bestMetric,
      };
      process.stdout.write(
        flags.json
          ? `${JSON.stringify(summary)}\n`
          : `trained ${summary.variant}: ${summary.steps} steps, ${summary.epochs} full epochs (${summary.stopReason}); ${best}; checkpoints in ${flags.out}\n`,
      );
    });
}
