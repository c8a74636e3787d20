import { Module } from './module.js';

/**
 * An ordered list of child modules named '0', '1', … (PyTorch's nn.ModuleList), so parameter
 * names read `steps.1.params.weight` as in the reference state_dicts.
 */
export class ModuleList<M extends Module> extends Module {
  readonly items: M[] = [];

  constructor(items: readonly M[] = []) {
    super();
    for (const m of items) this.push(m);
  }

  push(module: M): M {
    this.items.push(this.child(String(this.items.length), module));
    return module;
  }

  get length(): number {
    return this.items.length;
  }

  [Symbol.iterator](): Iterator<M> {
    return this.items[Symbol.iterator]();
  }
}
