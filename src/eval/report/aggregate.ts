import { epochsOf, stepsOf, type RunRecord } from './record.js';
import type { EmptinessRow } from '../imageMetrics.js';
import { METRIC_KEYS, type Budget, type MetricKey, type RunConfig } from '../../run/schemas.js';
import { finite, mean, sampleStd } from './stats.js';

export interface MetricInfo {
  key: MetricKey;
  label: string;
  better: 'lower' | 'higher';
  decimals: number;
}

/** Table columns, in the papers' order (Valiuddin et al. Table 1, then Selvan et al.). */
export const METRICS: readonly MetricInfo[] = [
  { key: 'ged_excl', label: 'GED (excl)', better: 'lower', decimals: 3 },
  { key: 'ged_incl', label: 'GED (incl)', better: 'lower', decimals: 3 },
  { key: 'hm_iou', label: 'HM-IoU', better: 'higher', decimals: 3 },
  { key: 'iou', label: 'IoU', better: 'higher', decimals: 3 },
  { key: 'dice', label: 'Dice', better: 'higher', decimals: 3 },
  { key: 'cll', label: '−CLL', better: 'lower', decimals: 2 },
  { key: 'ncc', label: 'NCC', better: 'higher', decimals: 3 },
];

/** One aggregated number: mean and sample std over the runs that have it. */
export interface Cell {
  mean: number | null;
  std: number | null;
  n: number;
}

export interface BudgetUsed {
  epochs: number | null;
  steps: number | null;
  minutes: number | null;
}

/** How a run was trained, as its deviations from a paper's protocol are listed. */
export interface RunSetup {
  /** The prepared data folder's name (config.data). */
  data: string | null;
  split: string;
  /** `1,476 / 161 / 550` items (train / val / test), when split.json is there. */
  items: string | null;
  /** `0.0001`, or `0.0005 cosine, warm-up 50` for a scheduled rate. */
  lr: string | null;
  batch: number | null;
  filters: string | null;
  /** Training choices beyond the optimizer that the papers do not make (`random flips`, …), or null. */
  other: string | null;
  profile: string | null;
}

export interface RunRow {
  variant: string;
  fold: number | null;
  seed: number | null;
  dir: string;
  metrics: Record<MetricKey, number | null>;
  /** The configured budget; for an evaluation folder `— (<origin>)`. */
  budget: string;
  used: BudgetUsed;
  dataset: string;
  samples: number | null;
  images: number | null;
  commit: string | null;
  /** How the run was trained; null for an evaluation folder without a recorded config. */
  setup: RunSetup | null;
  /** An evaluation folder's model (`shipped model: lidc-nodule-planar2, see its card`); null for a training run. */
  origin: string | null;
  /** summary.empty_samples_by_empty_raters: empty-sample share per count of empty rater masks (null in older evaluations). */
  emptiness: EmptinessRow[] | null;
}

function emptinessOf(v: unknown): EmptinessRow[] | null {
  if (!Array.isArray(v)) return null;
  const rows = v.filter(
    (r): r is EmptinessRow =>
      !!r && typeof r === 'object' && ['emptyRaters', 'raters', 'images', 'emptySamples'].every((k) => typeof (r as Record<string, unknown>)[k] === 'number'),
  );
  return rows.length ? rows : null;
}

export interface VariantRow {
  variant: string;
  runs: RunRow[];
  metrics: Record<MetricKey, Cell>;
  /** The configured budget(s), e.g. `≤ 20 epochs, ≤ 30 min`; distinct budgets joined by " / ". */
  budget: string;
  used: Record<keyof BudgetUsed, Cell>;
}

export function cellOf(values: readonly (number | null)[]): Cell {
  const v = finite(values);
  return { mean: mean(v), std: sampleStd(v), n: v.length };
}

/** `≤ 5000 steps, ≤ 30 min`, or `≤ 20 epochs`, or `no limit`: the epoch cap is shown only when it is the limit that was set. */
export function formatBudget(b: Budget | undefined): string {
  const parts: string[] = [];
  const otherLimit = b?.maxSteps != null || b?.maxMinutes != null;
  if (b?.maxEpochs != null && !(otherLimit && b.maxEpochs === DEFAULT_EPOCH_CAP)) parts.push(`≤ ${b.maxEpochs} epochs`);
  if (b?.maxSteps != null) parts.push(`≤ ${b.maxSteps} steps`);
  if (b?.maxMinutes != null) parts.push(`≤ ${b.maxMinutes} min`);
  return parts.length ? parts.join(', ') : 'no limit';
}

/** The epoch cap every config has unless set (DEFAULT_TRAIN.epochs); not a budget anyone chose. */
const DEFAULT_EPOCH_CAP = 200;

/**
 * What training actually used, read from log.jsonl (`seconds` is elapsed wall time since
 * start). Epochs are fractional: steps done over the steps of one epoch (known once an
 * epoch has completed; null before, shown as "< 1").
 */
export function budgetUsed(run: RunRecord): BudgetUsed {
  const [stepLines, epochLines] = [stepsOf(run), epochsOf(run)];
  const steps = finite([...stepLines.map((s) => s.step), ...epochLines.map((e) => e.step)]);
  const secs = finite([...stepLines.map((s) => s.seconds), ...epochLines.map((e) => e.seconds)]);
  const lastStep = steps.length ? Math.max(...steps) : null;
  // Steps per epoch: the step before the first one logged in epoch 2 (an epoch end need not
  // validate, so it may have no epoch line), else the first full epoch's line.
  const firstOfEpoch2 = stepLines.find((s) => s.epoch >= 2);
  const fullEpochs = epochLines.filter((e) => (e as { partial?: unknown }).partial !== true);
  const perEpoch = firstOfEpoch2 ? firstOfEpoch2.step - 1 : fullEpochs[0]?.step;
  const epochs = lastStep !== null && perEpoch ? Math.round((10 * lastStep) / perEpoch) / 10 : null;
  return {
    epochs,
    steps: lastStep,
    minutes: secs.length ? Math.max(...secs) / 60 : null,
  };
}

/** The last component of a folder path (`/data/lidc-dev/` → `lidc-dev`). */
const folderName = (path: string): string => path.replace(/\/+$/, '').split('/').pop() || path;

/** `lidc-dev (test split, 498 images)` from summary.dataset = { path, split, items }. */
function datasetName(d: unknown): string {
  if (typeof d === 'string') return d;
  if (d && typeof d === 'object' && 'name' in d && typeof d.name === 'string') return d.name;
  if (d && typeof d === 'object' && 'path' in d && typeof d.path === 'string') {
    const { path, split } = d as { path: string; split?: unknown };
    const name = folderName(path);
    return typeof split === 'string' ? `${name} (${split} split)` : name;
  }
  return d === undefined || d === null ? '' : JSON.stringify(d);
}

export function runRow(run: RunRecord): RunRow {
  const metrics = {} as Record<MetricKey, number | null>;
  for (const k of METRIC_KEYS) metrics[k] = run.summary[k]?.mean ?? null;
  return {
    variant: run.variant,
    fold: run.fold,
    seed: run.config?.seed ?? null,
    dir: run.dir,
    metrics,
    budget: run.kind === 'run' ? formatBudget(run.config.budget) : `— (${run.origin})`,
    used: budgetUsed(run),
    dataset: datasetName(run.summary.dataset),
    samples: run.summary.samples ?? null,
    images: run.summary.images ?? null,
    commit: run.summary.commit ?? null,
    setup: run.config ? runSetup(run.config, run.kind === 'run' ? run.splitSizes : undefined) : null,
    origin: run.kind === 'evaluation' ? run.origin : null,
    emptiness: emptinessOf((run.summary as Record<string, unknown>).empty_samples_by_empty_raters),
  };
}

/** `60/20/20 by patient`, `fold 3 of 10 (10% of train validates)`, `nnU-Net split file, fold 0`. */
function splitText(c: Record<string, unknown>): string {
  const s = c.split as Record<string, unknown> | undefined;
  const pct = (x: unknown): string => (typeof x === 'number' ? String(Math.round(x * 100)) : '?');
  const carve = typeof c.valFraction === 'number' && c.valFraction > 0 ? ` (${pct(c.valFraction)}% of train validates)` : '';
  if (s?.kind === 'fractions') return `${pct(s.train)}/${pct(s.val)}/${pct(s.test)} by patient${s.val === 0 ? carve : ''}`;
  if (s?.kind === 'kfold') return `fold ${s.fold} of ${s.folds} by patient${carve}`;
  if (s?.kind === 'file') return `split file, fold ${s.fold}${carve}`;
  return 'unknown';
}

function runSetup(config: RunConfig, z: { train: number; val: number; test: number } | undefined): RunSetup {
  const c = config as Record<string, unknown>;
  const model = (c.modelConfig ?? {}) as Record<string, unknown>;
  const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);
  const fmt = (n: number): string => n.toLocaleString('en-US');
  return {
    data: typeof c.data === 'string' ? folderName(c.data) : null,
    split: splitText(c),
    items: z ? `${fmt(z.train)} / ${fmt(z.val)} / ${fmt(z.test)}` : null,
    lr: lrText(c),
    batch: num(c.batchSize),
    filters: Array.isArray(model.filters) ? model.filters.join(',') : null,
    other: otherText(c),
    profile: typeof c.profile === 'string' ? c.profile : null,
  };
}

/** `random flips, output bias at logit(foreground rate)`: data and init choices the reference code does not make. */
function otherText(c: Record<string, unknown>): string | null {
  const parts = [c.augment === true ? 'random flips' : null, c.outputBiasInit === 'foreground' ? 'output bias at logit(foreground rate)' : null];
  const named = parts.filter((p): p is string => p !== null);
  return named.length > 0 ? named.join(', ') : null;
}

/** `0.0001`, `0.0001 cosine, warm-up 50`, `0.0001, prior net ×5, grad clip auto`: the optimizer's settings the papers do not use are named. */
function lrText(c: Record<string, unknown>): string | null {
  if (typeof c.lr !== 'number') return null;
  const schedule = c.lrSchedule === 'cosine' ? ` cosine${typeof c.warmupSteps === 'number' && c.warmupSteps > 0 ? `, warm-up ${c.warmupSteps}` : ''}` : '';
  const prior = typeof c.priorLrScale === 'number' && c.priorLrScale !== 1 ? `, prior net ×${c.priorLrScale}` : '';
  const clip = c.gradClip === 'auto' || typeof c.gradClip === 'number' ? `, grad clip ${c.gradClip}` : '';
  return `${c.lr}${schedule}${prior}${clip}`;
}

const byNatural = (a: string, b: string): number => a.localeCompare(b, 'en', { numeric: true });

/** Groups entries by variant (the folds of one variant together) and aggregates each metric over the variant's folds. */
export function aggregate(runs: readonly RunRecord[]): VariantRow[] {
  const groups = new Map<string, RunRow[]>();
  for (const run of runs) {
    const row = runRow(run);
    groups.set(row.variant, [...(groups.get(row.variant) ?? []), row]);
  }
  return [...groups.keys()].sort(byNatural).map((variant) => {
    const rows = (groups.get(variant) ?? []).sort((a, b) => (a.fold ?? -1) - (b.fold ?? -1) || byNatural(a.dir, b.dir));
    const metrics = {} as Record<MetricKey, Cell>;
    for (const k of METRIC_KEYS) metrics[k] = cellOf(rows.map((r) => r.metrics[k]));
    return {
      variant,
      runs: rows,
      metrics,
      budget: [...new Set(rows.map((r) => r.budget))].join(' / '),
      used: {
        epochs: cellOf(rows.map((r) => r.used.epochs)),
        steps: cellOf(rows.map((r) => r.used.steps)),
        minutes: cellOf(rows.map((r) => r.used.minutes)),
      },
    };
  });
}
