import { FlowsegInputError } from '../util/errors.js';
import { assertSameLength, type Mask, type ProbabilityMap } from './types.js';

/** ε inside NCC's logs, as PHiSeg's `pixel_wise_xent`. */
export const NCC_EPS = 1e-8;

export interface NccOptions {
  /** Added inside the log as in PHiSeg's `pixel_wise_xent` (default 1e-8). */
  eps?: number;
}

/** Per-pixel means over the samples: l0 = mean ln(1 − p + ε), l1 = mean ln(p + ε), pBar = mean p. [H·W] each */
export interface SampleLogMeans {
  l0: Float64Array;
  l1: Float64Array;
  pBar: Float64Array;
}

/**
 * Per-pixel means over samples of ln(pᵢ + ε) and ln(1 − pᵢ + ε): every expected cross-entropy
 * map E_s[CE(t, s)] = −[(1 − t)·L0 + t·L1] is linear in the target t, so both PHiSeg maps
 * derive from these two. (evaluate computes the same means on the engine: eval/batchReductions.ts.)
 */
export function sampleLogMeans(samples: readonly ProbabilityMap[], { eps = NCC_EPS }: NccOptions = {}): SampleLogMeans {
  if (samples.length === 0) throw new FlowsegInputError('sampleLogMeans: need at least one sample, got none');
  assertSameLength('sampleLogMeans', samples);
  const size = (samples[0] as ProbabilityMap).length;
  const m = samples.length;
  const l0 = new Float64Array(size);
  const l1 = new Float64Array(size);
  const pBar = new Float64Array(size);
  for (const s of samples) {
    // binary masks: p ∈ {0, 1}, two possible logs; the type test stays out of the pixel loop
    if (s instanceof Uint8Array) {
      const [lo0, lo1] = [Math.log(1 + eps), Math.log(eps)]; // ln(1 − 0 + ε), ln(0 + ε)
      for (let k = 0; k < size; k++) {
        const fg = s[k] !== 0;
        l0[k] += fg ? lo1 : lo0;
        l1[k] += fg ? lo0 : lo1;
        pBar[k] += fg ? 1 : 0;
      }
    } else {
      for (let k = 0; k < size; k++) {
        const p = s[k] as number;
        l0[k] += Math.log(1 - p + eps);
        l1[k] += Math.log(p + eps);
        pBar[k] += p;
      }
    }
  }
  for (let k = 0; k < size; k++) {
    l0[k] /= m;
    l1[k] /= m;
    pBar[k] /= m;
  }
  return { l0, l1, pBar };
}

/**
 * PHiSeg's γ-map (Baumgartner et al. 2019, §4.2): γ = E_s[CE(s̄, s)], the expected pixel-wise
 * cross-entropy between the sample mean s̄ (as target) and the samples s, for two classes
 * (background 1 − p, foreground p); CE(t, s) = −Σ_c t_c ln(s_c + ε).
 */
export function gammaMap(samples: readonly ProbabilityMap[], { eps = NCC_EPS }: NccOptions = {}): Float32Array {
  assertSameLength('gammaMap', samples);
  const { l0, l1, pBar } = sampleLogMeans(samples, { eps });
  const out = new Float32Array(l0.length);
  for (let k = 0; k < out.length; k++) out[k] = -((1 - pBar[k]) * l0[k] + pBar[k] * l1[k]);
  return out;
}

/**
 * Normalised cross-correlation Σ (a − ā)(v − v̄) / (N σ_a σ_v), population σ (PHiSeg `utils.ncc`
 * with zero_norm). NaN when either map is constant, as numpy's 0/0.
 */
function normalisedCrossCorrelation(a: Float64Array, v: Float64Array): number {
  const n = a.length;
  let ma = 0;
  let mv = 0;
  let constA = true;
  let constV = true;
  for (let k = 0; k < n; k++) {
    ma += a[k];
    mv += v[k];
    constA &&= a[k] === a[0];
    constV &&= v[k] === v[0];
  }
  // exactly constant: σ = 0; decided here because the rounded mean would fake a tiny σ
  if (constA || constV) return Number.NaN;
  ma /= n;
  mv /= n;
  let cov = 0;
  let va = 0;
  let vv = 0;
  for (let k = 0; k < n; k++) {
    const da = a[k] - ma;
    const dv = v[k] - mv;
    cov += da * dv;
    va += da * da;
    vv += dv * dv;
  }
  return cov / (n * Math.sqrt(va / n) * Math.sqrt(vv / n));
}

/**
 * PHiSeg NCC (`utils.variance_ncc_dist`, Baumgartner et al. 2019, eq. 9):
 * (1/n) Σⱼ NCC(E_s[CE(s̄, s)], E_s[CE(yⱼ, s)]) — how well the model's γ-map (where its samples
 * disagree with their mean) predicts where its samples disagree with each rater yⱼ.
 * `samples` are the m sample probability maps (softmax/sigmoid outputs, as PHiSeg uses),
 * `raters` the n binary rater masks. Higher is better; NaN when a map is constant.
 */
export function ncc(samples: readonly ProbabilityMap[], raters: readonly Mask[], { eps = NCC_EPS }: NccOptions = {}): number {
  if (samples.length === 0 || raters.length === 0) {
    throw new FlowsegInputError(`ncc: need at least one sample and one rater, got ${samples.length} and ${raters.length}`);
  }
  assertSameLength('ncc (samples then raters)', [...samples, ...raters]);
  return nccFromLogMeans(sampleLogMeans(samples, { eps }), raters);
}

/** {@link ncc} from the samples' per-pixel log means ({@link sampleLogMeans}). */
export function nccFromLogMeans({ l0, l1, pBar }: SampleLogMeans, raters: readonly Mask[]): number {
  if (raters.length === 0) throw new FlowsegInputError('ncc: need at least one rater, got none');
  const size = l0.length;
  assertSameLength('ncc (sample log means then raters)', [l0, ...raters]);
  const gamma = new Float64Array(size);
  for (let k = 0; k < size; k++) gamma[k] = -((1 - pBar[k]) * l0[k] + pBar[k] * l1[k]);
  const eSy = new Float64Array(size);
  let total = 0;
  for (const y of raters) {
    for (let k = 0; k < size; k++) eSy[k] = y[k] !== 0 ? -l1[k] : -l0[k];
    total += normalisedCrossCorrelation(gamma, eSy);
  }
  return total / raters.length;
}
