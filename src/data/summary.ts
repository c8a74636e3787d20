/** The dataset summary printed by `flowseg prepare` and `flowseg data info` (same shape for both). */
import type { DataItem } from './types.js';

export interface DatasetSummary {
  items: number;
  patients: number;
  raters: number;
  height: number;
  width: number;
  /** How many items have 0, 1, 2, … raters marking anything (keys are the counts). */
  nonEmptyRaters: Record<string, number>;
  channels: number;
  imageRange: { min: number; max: number };
  /** Mean fraction of foreground pixels over all rater masks. */
  foregroundFraction: number;
}

/** Number of raters whose mask is non-empty; masks are `[R, H, W]`. */
export function nonEmptyRaterCount(item: DataItem): number {
  const n = item.height * item.width;
  let count = 0;
  const m = item.masks;
  for (let r = 0; r < item.raters; r++) {
    const end = (r + 1) * n;
    for (let i = r * n; i < end; i++) {
      if (m[i] !== 0) {
        count++;
        break;
      }
    }
  }
  return count;
}

/** Accumulates a summary item by item, so streams are summarized in one pass. */
export class SummaryAccumulator {
  private items = 0;
  private patients = new Set<string>();
  private raters = 0;
  private channels = 0;
  private height = 0;
  private width = 0;
  private hist: number[] = [];
  private min = Number.POSITIVE_INFINITY;
  private max = Number.NEGATIVE_INFINITY;
  private foreground = 0;
  private maskPixels = 0;

  add(item: DataItem, nonEmpty = nonEmptyRaterCount(item)): void {
    this.items++;
    this.patients.add(item.patientId);
    this.raters = item.raters;
    this.channels = item.channels;
    this.height = item.height;
    this.width = item.width;
    while (this.hist.length <= item.raters) this.hist.push(0);
    this.hist[nonEmpty]++;
    const img = item.image;
    for (let i = 0; i < img.length; i++) {
      const v = img[i];
      if (v < this.min) this.min = v;
      if (v > this.max) this.max = v;
    }
    let fg = 0;
    for (let i = 0; i < item.masks.length; i++) fg += item.masks[i];
    this.foreground += fg;
    this.maskPixels += item.masks.length;
  }

  result(): DatasetSummary {
    return {
      items: this.items,
      patients: this.patients.size,
      raters: this.raters,
      height: this.height,
      width: this.width,
      nonEmptyRaters: Object.fromEntries(this.hist.map((c, k) => [String(k), c])),
      channels: this.channels,
      imageRange: { min: this.items ? this.min : 0, max: this.items ? this.max : 0 },
      foregroundFraction: this.maskPixels ? this.foreground / this.maskPixels : 0,
    };
  }
}

/** Human-readable summary, a few aligned lines. */
export function formatSummary(s: DatasetSummary): string {
  const hist = Object.entries(s.nonEmptyRaters)
    .map(([k, v]) => `${k}:${v}`)
    .join('  ');
  return [
    `items      ${s.items}`,
    `patients   ${s.patients}`,
    `image      ${s.channels}×${s.height}×${s.width}, values ${fmt(s.imageRange.min)}…${fmt(s.imageRange.max)}`,
    `raters     ${s.raters} (masks 0/1, ${(100 * s.foregroundFraction).toFixed(2)}% foreground)`,
    `non-empty  ${hist}   (items by number of raters marking something)`,
  ].join('\n');
}

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(4);
}
