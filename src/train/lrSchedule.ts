/**
 * Learning-rate schedules. `constant` is the papers' Adam at a fixed rate. `cosine` warms up
 * linearly over `warmupSteps`, then follows half a cosine from `lr` down to `lr × COSINE_FLOOR`
 * over the run's budget — the step budget (epochs × batches, or --max-steps) or the time budget
 * (--max-minutes), whichever is further along. A time budget is what a CPU run usually has, so
 * the rate anneals to its floor exactly when the clock runs out, whatever the machine's speed.
 */
import type { LrSchedule } from '../run/config.js';

/** The cosine schedule ends at this share of the peak rate. */
export const COSINE_FLOOR = 0.02;

/** How far through its budget a run is, in [0, 1]: the larger of the step and the time fraction. */
export function budgetFraction(step: number, totalSteps: number, elapsedSeconds: number, maxSeconds: number | null): number {
  const bySteps = Number.isFinite(totalSteps) && totalSteps > 0 ? step / totalSteps : 0;
  const byTime = maxSeconds !== null && maxSeconds > 0 ? elapsedSeconds / maxSeconds : 0;
  return Math.min(1, Math.max(0, bySteps, byTime));
}

/** The rate for the next optimizer step (`step` steps done so far, `fraction` of the budget used). */
export function learningRate(schedule: LrSchedule, peak: number, warmupSteps: number, step: number, fraction: number): number {
  if (schedule === 'constant') return peak;
  const warm = warmupSteps > 0 ? Math.min(1, (step + 1) / warmupSteps) : 1;
  const anneal = COSINE_FLOOR + (1 - COSINE_FLOOR) * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, Math.max(0, fraction))));
  return peak * warm * anneal;
}
