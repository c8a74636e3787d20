import type { CalibrationSummary, EpochLine, GedVsSamples, PerImage, RunConfig, StepLine, Summary, SummaryModel } from '../../run/schemas.js';

/**
 * One entry of a report: a training run folder (`flowseg train` + `flowseg evaluate`), or an
 * evaluation folder of a model without its run (`flowseg evaluate --model NAME|file.onnx --out E`:
 * a shipped or exported model, no config.json, log.jsonl or split.json). Both carry what
 * evaluate wrote; only a run carries how the model was trained.
 */
export type RunRecord = TrainedRun | ModelEvaluation;

/** What `flowseg evaluate` wrote, read and validated (docs/run-format.md). */
export interface EvalOutputs {
  summary: Summary;
  perImage?: PerImage;
  gedVsSamples?: GedVsSamples;
  /** summary.calibration: pixel reliability bins; undefined in evaluations made before it existed. */
  calibration?: CalibrationSummary;
  /** Absolute paths of examples/*.png, sorted. */
  examples: string[];
}

interface EntryBase extends EvalOutputs {
  dir: string;
  variant: string;
  fold: number | null;
  /** Non-fatal problems (e.g. a truncated last log line from an interrupted run). */
  notes: string[];
}

/** A run folder: config.json, log.jsonl, split.json and its eval/. */
export interface TrainedRun extends EntryBase {
  kind: 'run';
  config: RunConfig;
  steps: StepLine[];
  epochs: EpochLine[];
  /** Items per part of split.json (train/val/test), when the run folder has it. */
  splitSizes?: { train: number; val: number; test: number };
}

/** An evaluation folder of a model evaluated without its run folder. */
export interface ModelEvaluation extends EntryBase {
  kind: 'evaluation';
  /** summary.model (absent in evaluations written before it existed). */
  model?: SummaryModel;
  /** summary.config, when the evaluation recorded the run's config (`--model m.onnx --run R`); never a log. */
  config?: RunConfig;
  /** What the report says where it would show training: `shipped model: lidc-nodule-planar2, see its card`. */
  origin: string;
}

/** The training log's step lines (none for an evaluation folder: it has no log). */
export const stepsOf = (r: RunRecord): readonly StepLine[] => (r.kind === 'run' ? r.steps : []);

/** The training log's epoch lines (none for an evaluation folder). */
export const epochsOf = (r: RunRecord): readonly EpochLine[] => (r.kind === 'run' ? r.epochs : []);
