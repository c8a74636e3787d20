import { scope } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * x → f₁ → f₂ → … → fₖ where every intermediate lives only until the next step has used it:
 * step i runs in its own scope() *around* step i−1's, so step i−1's output (and temporaries)
 * are disposed as soon as step i returns — the eager freeing Python's refcounting gives, which
 * keeps inference RSS low, without a manual dispose(). `x` itself belongs to the caller.
 * Autograd keeps its own references to whatever backward needs.
 */
export function chain(x: Tensor, steps: readonly ((t: Tensor) => Tensor)[]): Tensor {
  let run = (): Tensor => x;
  for (const step of steps) {
    const previous = run;
    run = () => scope(() => step(previous()));
  }
  return run();
}
