/** The loss became NaN/Inf: training stops and says where, never silently. */
export class TrainingDivergedError extends Error {
  override name = 'TrainingDivergedError';
}
