import { native, type OpProfile } from './native.js';

export type { OpProfile } from './native.js';

/**
 * Runs `fn` under libtorch's autograd profiler and returns its result with one row per op name
 * (calls, self and total CPU µs, with `memory` the bytes allocated in the op itself), sorted by
 * self time — the table PyTorch's `profiler.key_averages()` prints; with `shapes` one row per op name
 * and input shapes ("aten::mm [[8,32],[32,32]]"), as `key_averages(group_by_input_shape=True)`. Backward ops are profiled as
 * well when `fn` calls `backward()`. For diagnosis (bench/profileStep.ts), not for training:
 * every op records two events.
 */
export function profileOps<R>(fn: () => R, options: { memory?: boolean; shapes?: boolean } = {}): { result: R; ops: OpProfile[] } {
  native.profilerStart(options.memory ?? false, options.shapes ?? false);
  let result: R;
  try {
    result = fn();
  } catch (err) {
    native.profilerStop();
    throw err;
  }
  return { result, ops: native.profilerStop().sort((a, b) => b.selfUs - a.selfUs) };
}
