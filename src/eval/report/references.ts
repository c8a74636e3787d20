import type { MetricKey } from '../../run/schemas.js';

/**
 * Published numbers to print beside ours, marked as the papers' (never as flowseg's), and the
 * papers' training protocol, against which each of our runs lists its deviations. Values are
 * copied from the papers' tables (../shared/docs/MODEL.md, "Reference numbers").
 */
export type ReferenceName = 'lidc' | 'kvasir' | 'retina';
export const REFERENCE_NAMES: readonly ReferenceName[] = ['lidc', 'kvasir', 'retina'];

export interface PaperRow {
  /** e.g. `Valiuddin 2021 · 2-planar`. */
  label: string;
  metrics: Partial<Record<MetricKey, { mean: number; std?: number }>>;
}

/** The protocol a paper trained with: what our runs are compared against. */
export interface PaperProtocol {
  source: string;
  data: string;
  split: string;
  lr: number;
  batch: number;
  filters: string;
  budget: string;
}

export interface PaperReference {
  name: ReferenceName;
  title: string;
  rows: PaperRow[];
  protocol: PaperProtocol;
  /** Caveats on comparing (conventions the paper leaves open, other data). */
  notes: string[];
}

const ms = (mean: number, std?: number) => (std === undefined ? { mean } : { mean, std });

const VALIUDDIN_LIDC: PaperRow[] = [
  { label: 'Valiuddin 2021 · vanilla', metrics: { ged_excl: ms(0.33, 0.02), ged_incl: ms(0.39, 0.02), hm_iou: ms(0.57, 0.02) } },
  { label: 'Valiuddin 2021 · 2-planar', metrics: { ged_excl: ms(0.29, 0.02), ged_incl: ms(0.35, 0.03), hm_iou: ms(0.57, 0.01) } },
  { label: 'Valiuddin 2021 · 2-radial', metrics: { ged_excl: ms(0.29, 0.01), ged_incl: ms(0.34, 0.01), hm_iou: ms(0.58, 0.01) } },
  { label: 'Valiuddin 2021 · 4-planar', metrics: { ged_excl: ms(0.3, 0.02), ged_incl: ms(0.35, 0.04), hm_iou: ms(0.57, 0.02) } },
  { label: 'Valiuddin 2021 · 4-radial', metrics: { ged_excl: ms(0.29, 0.02), ged_incl: ms(0.34, 0.03), hm_iou: ms(0.57, 0.01) } },
];

const SELVAN_LIDC: PaperRow[] = [
  { label: 'Selvan 2020 · Det. U-Net (single rater)', metrics: { dice: ms(0.727) } },
  { label: 'Selvan 2020 · Prob. U-Net (all raters)', metrics: { ged_incl: ms(0.279), cll: ms(52.1) } },
  { label: 'Selvan 2020 · cFlow planar (all raters)', metrics: { ged_incl: ms(0.204), cll: ms(47.3) } },
  { label: 'Selvan 2020 · cFlow Glow (all raters)', metrics: { ged_incl: ms(0.302), cll: ms(49.2) } },
];

export const PAPER_REFERENCES: Readonly<Record<ReferenceName, PaperReference>> = {
  lidc: {
    name: 'lidc',
    title: 'LIDC-IDRI',
    rows: [...VALIUDDIN_LIDC, ...SELVAN_LIDC],
    protocol: {
      source: 'Valiuddin et al. 2021',
      data: 'Kohl’s LIDC crops: 1,018 scans, 15,096 slices of 128×128, 4 raters',
      split: '10-fold CV by patient, 90/10',
      lr: 1e-4,
      batch: 96,
      filters: '32,64,128,192',
      budget: '≤ 200 epochs, early stopping (patience 20) on one RTX 2080 Ti GPU',
    },
    notes: [
      'Valiuddin 2021: mean ± std over 10 folds, 16 samples (Table 1).',
      'Selvan 2020 (60/20/20 split, single Tesla K80) does not say how it scores two empty masks; its GED is listed under (incl), the PHiSeg code convention.',
    ],
  },
  kvasir: {
    name: 'kvasir',
    title: 'Kvasir-SEG',
    rows: [
      { label: 'Valiuddin 2021 · vanilla', metrics: { ged_excl: ms(0.68, 0.18), ged_incl: ms(0.69, 0.17), iou: ms(0.62, 0.07) } },
      { label: 'Valiuddin 2021 · 2-planar', metrics: { ged_excl: ms(0.62, 0.05), ged_incl: ms(0.63, 0.05), iou: ms(0.71, 0.01) } },
      { label: 'Valiuddin 2021 · 2-radial', metrics: { ged_excl: ms(0.63, 0.03), ged_incl: ms(0.64, 0.03), iou: ms(0.66, 0.06) } },
      { label: 'Valiuddin 2021 · 4-planar', metrics: { ged_excl: ms(0.63, 0.06), ged_incl: ms(0.67, 0.05), iou: ms(0.71, 0.04) } },
      { label: 'Valiuddin 2021 · 4-radial', metrics: { ged_excl: ms(0.65, 0.04), ged_incl: ms(0.67, 0.05), iou: ms(0.65, 0.07) } },
    ],
    protocol: {
      source: 'Valiuddin et al. 2021',
      data: 'Kvasir-SEG: 1,000 polyp images, 1 rater, grayscale 128×128',
      split: '10-fold CV, 90/10',
      lr: 1e-4,
      batch: 32,
      filters: '32,64,128,192',
      budget: '≤ 200 epochs, early stopping (patience 20) on one RTX 2080 Ti GPU',
    },
    notes: ['Valiuddin 2021: mean ± std over 10 folds, 16 samples; IoU is the average IoU of the samples with the one mask (Table 1).'],
  },
  retina: {
    name: 'retina',
    title: 'Retinal vessels (2 raters)',
    rows: [
      { label: 'Selvan 2020 · Det. U-Net (single rater)', metrics: { dice: ms(0.624) } },
      { label: 'Selvan 2020 · Prob. U-Net (all raters)', metrics: { ged_incl: ms(0.905), cll: ms(4.738) } },
      { label: 'Selvan 2020 · cFlow planar (all raters)', metrics: { ged_incl: ms(0.884), cll: ms(4.436) } },
      { label: 'Selvan 2020 · cFlow Glow (all raters)', metrics: { ged_incl: ms(0.901), cll: ms(4.482) } },
    ],
    protocol: {
      source: 'Selvan et al. 2020',
      data: 'DRIVE + STARE + CHASE_DB1 images with 2 raters, resized, patches',
      split: '60/20/20 by image',
      lr: 1e-4,
      batch: 32,
      filters: '32,64,128,256 (BatchNorm)',
      budget: 'early stopping on validation loss on one Tesla K80 GPU',
    },
    notes: [
      'Selvan 2020 trains and tests on DRIVE, STARE and CHASE_DB1 together; a DRIVE-only run sees 20 of those images.',
      'Selvan 2020 does not say how it scores two empty masks; its GED is listed under (incl).',
    ],
  },
};

/** Which paper table fits these datasets, from their names (`lidc…`, `kvasir…`, `drive…`/`retina…`). */
export function detectReference(datasets: readonly string[]): ReferenceName | null {
  const all = datasets.join(' ').toLowerCase();
  const found = REFERENCE_NAMES.filter((n) => (n === 'retina' ? /drive|retina|stare|chase/.test(all) : all.includes(n)));
  return found.length === 1 ? found[0] : null;
}
