import { COVERAGE_IOU, raterCoverage, type RaterCoverage } from '../../metrics/coverage.js';
import type { RunRecord } from './record.js';
import type { TextTable } from './tables.js';

/**
 * Per-rater coverage in the report: from each test image's `rater_best_iou` (per_image.json,
 * the best IoU any sample reaches against each rater's mask; src/metrics/coverage.ts, empty
 * pairs included as IoU 1), the mean best IoU and the share of raters matched at IoU ≥ 0.5,
 * per rater index and per number of raters who drew something.
 */

type Group = { variant: string; runs: readonly RunRecord[] };

/** One image: its raters' best IoUs and how many of its raters drew foreground. */
interface ImageCoverage {
  best: number[];
  drawn: number;
}

/** The rows of per_image.json that carry rater_best_iou (evaluations since issue 28). */
function imagesOf(g: Group): ImageCoverage[] {
  const out: ImageCoverage[] = [];
  for (const run of g.runs) {
    for (const row of run.perImage ?? []) {
      const r = row as Record<string, unknown>;
      if (!Array.isArray(r.rater_best_iou)) continue;
      const best = r.rater_best_iou.map((v) => (typeof v === 'number' ? v : Number.NaN));
      const emptyShare = typeof r.empty_raters === 'number' ? r.empty_raters : Number.NaN;
      const drawn = Number.isFinite(emptyShare) ? best.length - Math.round(emptyShare * best.length) : Number.NaN;
      out.push({ best, drawn });
    }
  }
  return out;
}

export interface VariantCoverage {
  variant: string;
  images: number;
  all: RaterCoverage;
  /** Index j → coverage of rater j over the images that have a rater j. */
  byRater: RaterCoverage[];
  /** "k of R" (raters who drew something, of the image's raters) → coverage of all those images' raters. */
  byDrawn: { drawn: number; raters: number; images: number; coverage: RaterCoverage }[];
}

export function variantCoverages(groups: readonly Group[]): VariantCoverage[] {
  const out: VariantCoverage[] = [];
  for (const g of groups) {
    const images = imagesOf(g);
    if (images.length === 0) continue;
    const maxRaters = Math.max(...images.map((i) => i.best.length));
    const byRater = Array.from({ length: maxRaters }, (_, j) => raterCoverage(images.filter((i) => j < i.best.length).map((i) => i.best[j] as number)));
    const groupsByDrawn = new Map<string, { drawn: number; raters: number; images: ImageCoverage[] }>();
    for (const im of images) {
      if (!Number.isFinite(im.drawn)) continue;
      const key = `${im.best.length}/${im.drawn}`;
      const e = groupsByDrawn.get(key) ?? { drawn: im.drawn, raters: im.best.length, images: [] };
      e.images.push(im);
      groupsByDrawn.set(key, e);
    }
    const byDrawn = [...groupsByDrawn.values()]
      .sort((a, b) => a.raters - b.raters || a.drawn - b.drawn)
      .map((e) => ({ drawn: e.drawn, raters: e.raters, images: e.images.length, coverage: raterCoverage(e.images.flatMap((i) => i.best)) }));
    out.push({ variant: g.variant, images: images.length, all: raterCoverage(images.flatMap((i) => i.best)), byRater, byDrawn });
  }
  return out;
}

/** `0.61 · 72%`: mean best IoU · share matched; `—` without raters. */
function cell(c: RaterCoverage | undefined): string {
  if (!c || c.raters === 0) return '—';
  return `${c.meanBestIou.toFixed(2)} · ${Math.round(100 * c.matchedShare)}%`;
}

/** Variant | all raters | rater 1 | rater 2 | …: mean best IoU · share matched at IoU ≥ 0.5. */
export function coverageByRaterTable(cov: readonly VariantCoverage[]): TextTable {
  const raters = Math.max(0, ...cov.map((c) => c.byRater.length));
  const header = ['Variant', 'Images', 'All raters', ...Array.from({ length: raters }, (_, j) => `Rater ${j + 1}`)];
  const rows = cov.map((c) => [c.variant, String(c.images), cell(c.all), ...Array.from({ length: raters }, (_, j) => cell(c.byRater[j]))]);
  return { header, rows, best: rows.map((r) => r.map(() => false)) };
}

/** Variant | k of R drew …: the same numbers grouped by how many of an image's raters drew a mask (images in the header). */
export function coverageByDrawnTable(cov: readonly VariantCoverage[]): TextTable {
  const keys = [...new Map(cov.flatMap((c) => c.byDrawn).map((d) => [`${d.raters}/${d.drawn}`, d] as const)).values()].sort(
    (a, b) => a.raters - b.raters || a.drawn - b.drawn,
  );
  const header = ['Variant', ...keys.map((k) => `${k.drawn} of ${k.raters} raters drew`)];
  const rows = cov.map((c) => [
    c.variant,
    ...keys.map((k) => {
      const d = c.byDrawn.find((x) => x.raters === k.raters && x.drawn === k.drawn);
      return d ? `${cell(d.coverage)} (${d.images})` : '—';
    }),
  ]);
  return { header, rows, best: rows.map((r) => r.map(() => false)) };
}

export const COVERAGE_NOTE =
  `Per rater: the best IoU any of the n samples reaches against that rater’s mask, then the mean over raters · the share of raters some sample matches at IoU ≥ ${COVERAGE_IOU}. ` +
  'An empty rater mask counts as matched (IoU 1) by an empty sample and scores 0 when every sample draws foreground (GED (incl)’s convention for two empty masks). ' +
  'Rater k is the k-th mask of each image as stored (LIDC: the order of the annotations, not one person). Grouped by raters who drew: number of test images in parentheses.';
