/**
 * From physical units (HU) to the model's [0, 1] input, as the LIDC training crops were made.
 * Measured in docs/scans.md ("Intensity mapping"): every one of the 1,021 dev crops spans
 * exactly 0…255, with one pixel at 255 in 808 of them and no plateau of clipped bone or air —
 * each crop was min–max scaled over its own raw HU, no fixed window, then stored as 8 bits.
 */

/** Levels of the training PNGs: inputs are multiples of 1/255. */
export const INPUT_LEVELS = 255;

/**
 * Min–max over the crop, `(v − min) / (max − min)`, rounded to the 8-bit levels the model saw
 * (`quantize: false` keeps the float). A constant crop maps to 0.
 */
export function toModelInput(crop: Float32Array, o: { quantize?: boolean } = {}): Float32Array {
  const quantize = o.quantize ?? true;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of crop) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const range = hi - lo;
  const out = new Float32Array(crop.length);
  if (!(range > 0)) return out;
  for (let i = 0; i < crop.length; i++) {
    const x = (crop[i] - lo) / range;
    out[i] = quantize ? Math.round(x * INPUT_LEVELS) / INPUT_LEVELS : x;
  }
  return out;
}

/**
 * What pads a crop that leaves the slice: the slice's minimum — air (−1000…−1024 HU) or the
 * scanner's outside-field value (−2000, −3024), whichever the scan darkens its border with.
 * Min–max then maps it to 0, as the black corners of LIDC crops near the field's edge.
 */
export function padValue(slice: Float32Array): number {
  let lo = Number.POSITIVE_INFINITY;
  for (let i = 0; i < slice.length; i++) if ((slice[i] as number) < lo) lo = slice[i] as number; // indexed: for-of costs ~30 ms cold on 512²
  return Number.isFinite(lo) ? lo : 0;
}

/** The inverse for one crop (tests, synthetic scans): 8-bit level g of a crop that spanned [lo, hi] → value. */
export function levelToValue(g: number, lo: number, hi: number): number {
  return lo + (g / INPUT_LEVELS) * (hi - lo);
}
