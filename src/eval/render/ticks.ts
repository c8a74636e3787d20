/** Axis ticks at "nice" round numbers (Heckbert, Graphics Gems 1990: steps of 1, 2, 5 × 10^k). */
export interface Ticks {
  /** Axis range, widened to whole ticks. */
  lo: number;
  hi: number;
  values: number[];
  /** Decimal places that print every tick distinctly. */
  decimals: number;
}

function niceStep(rough: number): number {
  const p = 10 ** Math.floor(Math.log10(rough));
  const f = rough / p;
  return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * p;
}

/** About `target` linear ticks covering [min, max]; a degenerate range is widened around its value. */
export function linearTicks(min: number, max: number, target = 6): Ticks {
  let a = min;
  let b = max;
  if (!Number.isFinite(a) || !Number.isFinite(b)) [a, b] = [0, 1];
  if (a === b) {
    const pad = a === 0 ? 1 : Math.abs(a) * 0.1;
    a -= pad;
    b += pad;
  }
  const step = niceStep((b - a) / Math.max(1, target - 1));
  const lo = Math.floor(a / step + 1e-9) * step;
  const hi = Math.ceil(b / step - 1e-9) * step;
  const values: number[] = [];
  for (let v = lo; v <= hi + step * 1e-6; v += step) values.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return { lo, hi, values, decimals: Math.max(0, -Math.floor(Math.log10(step) + 1e-9)) };
}

/** Log-scale ticks (powers of ten, plus 2× and 5× when the range spans under two decades). */
export function logTicks(min: number, max: number): Ticks {
  const a = Math.floor(Math.log10(min));
  const b = Math.ceil(Math.log10(max));
  const hi = Math.max(b, a + 1);
  const mult = hi - a <= 2 ? [1, 2, 5] : [1];
  const values: number[] = [];
  for (let k = a; k <= hi; k++) for (const m of mult) if (k < hi || m === 1) values.push(m * 10 ** k);
  return { lo: 10 ** a, hi: 10 ** hi, values, decimals: Math.max(0, -a) };
}

/** Prints a tick: fixed decimals for moderate numbers, exponent form for very large/small. */
export function formatTick(v: number, decimals: number): string {
  if (v === 0) return '0';
  const abs = Math.abs(v);
  if (abs >= 1e5 || abs < 1e-3) return v.toExponential(0).replace('e+', 'e');
  return v.toFixed(Math.min(decimals, 4));
}
