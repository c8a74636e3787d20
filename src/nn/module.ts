import type { Tensor } from '../tensor/tensor.js';
import { keep } from '../tensor/scope.js';
import { FlowsegInputError } from '../util/errors.js';

/**
 * A tree of named parameters. Names follow PyTorch's state_dict convention
 * (`unet.down.0.1.weight`) so weights move between flowseg and the PyTorch reference.
 * Parameters are kept out of every scope and live until `dispose()`.
 */
export abstract class Module {
  private readonly ownParams = new Map<string, Tensor>();
  private readonly children = new Map<string, Module>();

  protected param(name: string, value: Tensor): Tensor {
    const p = keep(value.setRequiresGrad(true));
    this.ownParams.set(name, p);
    return p;
  }

  protected child<M extends Module>(name: string, module: M): M {
    this.children.set(name, module);
    return module;
  }

  /** `prefix` + the name `module` was registered under + '.': its parameters' state_dict prefix (also the ONNX initializer names). */
  protected prefixOf(module: Module, prefix: string): string {
    for (const [name, m] of this.children) if (m === module) return `${prefix}${name}.`;
    throw new Error(`prefixOf: not a child of this ${this.constructor.name}`);
  }

  /** All parameters, depth first, in registration order (stable: used for optimizer state). */
  namedParameters(prefix = ''): Map<string, Tensor> {
    const out = new Map<string, Tensor>();
    for (const [name, p] of this.ownParams) out.set(prefix + name, p);
    for (const [name, m] of this.children) for (const [k, p] of m.namedParameters(`${prefix}${name}.`)) out.set(k, p);
    return out;
  }

  parameters(): Tensor[] {
    return [...this.namedParameters().values()];
  }

  parameterCount(): number {
    return this.parameters().reduce((n, p) => n + p.size, 0);
  }

  /** Copies values from `state` into the parameters; names and shapes must match exactly. */
  loadStateDict(state: Map<string, Tensor>, source = 'state dict'): void {
    const params = this.namedParameters();
    for (const [name, p] of params) {
      const src = state.get(name);
      if (!src) throw new FlowsegInputError(`${source}: parameter ${name} is missing (was it saved from another model configuration?)`);
      if (src.shape.join(',') !== p.shape.join(','))
        throw new FlowsegInputError(`${source}: parameter ${name} has shape [${src.shape}] but the model expects [${p.shape}]`);
      // copyFrom would convert silently; a parameter stored as integers is a damaged or foreign file.
      if (src.dtype !== p.dtype)
        throw new FlowsegInputError(
          `${source}: parameter ${name} is stored as ${src.dtype} but the model expects ${p.dtype}; the checkpoint is damaged or from another program`,
        );
      p.copyFrom(src);
    }
  }

  dispose(): void {
    for (const p of this.parameters()) p.dispose();
  }
}
