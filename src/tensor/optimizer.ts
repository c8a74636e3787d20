import { native, type NativeOptimizer } from './native.js';
import { Tensor } from './tensor.js';

export type OptimizerKind = 'adam' | 'adamw' | 'sgd';

export interface OptimizerOptions {
  lr: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** Adam/SGD: L2 added to the gradient (PyTorch's weight_decay); AdamW: decoupled decay. */
  weightDecay?: number;
  momentum?: number;
  /** One lr multiplier per param (PyTorch param groups with their own lr); default all 1. */
  lrScales?: number[];
}

/** Adam / AdamW / SGD with PyTorch 1.13's update rules, stepping in C++ over all params. */
export class Optimizer {
  readonly kind: OptimizerKind;
  private readonly handle: NativeOptimizer;
  private currentLr: number;

  constructor(kind: OptimizerKind, params: Tensor[], options: OptimizerOptions) {
    this.kind = kind;
    this.currentLr = options.lr;
    this.handle = new native.NativeOptimizer(
      kind,
      params.map((p) => p.native),
      { ...options } as Record<string, number | number[]>,
    );
  }

  step(): void {
    this.handle.step();
  }
  zeroGrad(): void {
    this.handle.zeroGrad();
  }
  get lr(): number {
    return this.currentLr;
  }
  set lr(value: number) {
    this.currentLr = value;
    this.handle.setLr(value);
  }
  get stepCount(): number {
    return this.handle.stepCount();
  }

  /** Named copies of the state (`opt.m.<i>`, `opt.v.<i>` or `opt.buf.<i>`), for checkpoints. */
  stateDict(): Map<string, Tensor> {
    const tensors = this.handle.stateTensors().map((t) => new Tensor(t));
    const out = new Map<string, Tensor>();
    const n = this.kind === 'sgd' ? tensors.length : tensors.length / 2;
    tensors.forEach((t, i) => {
      const name = this.kind === 'sgd' ? `opt.buf.${i}` : i < n ? `opt.m.${i}` : `opt.v.${i - n}`;
      out.set(name, t);
    });
    return out;
  }

  loadStateDict(step: number, state: Map<string, Tensor>): void {
    const ordered = [...state.entries()]
      .filter(([k]) => k.startsWith('opt.'))
      .sort(([a], [b]) => order(a) - order(b))
      .map(([, t]) => t.native);
    this.handle.loadState(step, ordered);
  }
}

/**
 * Global L2 norm of the gradients of `params`; when `maxNorm` is given and exceeded, the
 * gradients are scaled in place to that norm (torch.nn.utils.clip_grad_norm_, factor
 * maxNorm / (norm + 1e-6)). Returns the norm before clipping. One native call: libtorch's
 * _foreach_norm per gradient (no squared copies), summed in double; params without a
 * gradient are skipped.
 */
export function clipGradNorm(params: readonly Tensor[], maxNorm: number | null): number {
  return native.clipGradNorm(
    params.map((p) => p.native),
    maxNorm,
  );
}

function order(name: string): number {
  const [, kind, index] = name.split('.');
  const base = kind === 'v' ? 1e7 : 0;
  return base + Number(index);
}
