/**
 * The pickle memo (slot → object, for BINGET back-references), with one twist for streaming:
 * once a top-level entry has been handed out, memo slots that hold its array data are
 * replaced by a marker, so memory does not grow with the file. Small values (strings used as
 * keys, globals, dtypes) stay, since later entries do reference them.
 */
import { FlowsegInputError } from '../../util/errors.js';
import { limit, raiseHint } from '../../util/limits.js';
import { NdArray, PyDict, PyInstance, PySet, PyTuple, type PyValue } from './values.js';

/** Values above this many bytes/chars count as array data. */
const HEAVY_BYTES = 1024;

export const RELEASED = Symbol('released');

export class StreamingMemo {
  private slots = new Map<number, PyValue | typeof RELEASED>();
  private recent: number[] = [];

  private readonly maxSlots = limit('maxPickleMemo');

  constructor(
    private readonly path: string,
    private readonly maxDepth: number,
  ) {}

  get size(): number {
    return this.slots.size;
  }

  put(slot: number, v: PyValue): void {
    if (this.slots.size >= this.maxSlots && !this.slots.has(slot)) {
      throw new FlowsegInputError(
        `${this.path}: the pickle memoizes more than ${this.maxSlots} objects (${raiseHint('maxPickleMemo')}); the file is corrupt or hostile`,
      );
    }
    this.slots.set(slot, v);
    this.recent.push(slot);
  }

  /** The value, `RELEASED` if it was dropped after streaming, or undefined if never set. */
  get(slot: number): PyValue | typeof RELEASED | undefined {
    return this.slots.get(slot);
  }

  /** Drops heavy values set since the last call that belong to (or fed) the delivered entries. */
  release(delivered: readonly [PyValue, PyValue][]): void {
    const heavy = new Set<PyValue>();
    const walk = new HeavyWalk(heavy, this.maxDepth, this.path);
    for (const [, v] of delivered) walk.mark(v);
    // Also drops what merely held array data on the way, e.g. ndarray BUILD state tuples.
    for (const slot of this.recent) {
      const v = this.slots.get(slot);
      if (v === RELEASED || v === undefined) continue;
      if (heavy.has(v) || walk.mark(v)) this.slots.set(slot, RELEASED);
    }
    this.recent = [];
  }
}

function isHeavyLeaf(v: PyValue): boolean {
  return v instanceof NdArray || ((v instanceof Uint8Array || typeof v === 'string') && v.length > HEAVY_BYTES);
}

function childrenOf(v: PyValue): readonly PyValue[] {
  if (Array.isArray(v)) return v;
  if (v instanceof PyTuple) return v.items;
  if (v instanceof PyDict) return [...v.map.values()];
  if (v instanceof PySet) return v.items;
  if (v instanceof PyInstance) return [v.state];
  return [];
}

interface Frame {
  v: PyValue;
  kids: readonly PyValue[];
  next: number;
  heavy: boolean;
}

/**
 * Collects values and their containers into `out` when they (transitively) hold array data.
 * Iterative with a visited map: a 100k-deep nesting cannot overflow the JS stack, a shared
 * sub-object (a memo bomb) is walked once, and a self-referencing list terminates.
 */
class HeavyWalk {
  private done = new Map<PyValue, boolean>();

  constructor(
    private readonly out: Set<PyValue>,
    private readonly maxDepth: number,
    private readonly path: string,
  ) {}

  mark(root: PyValue): boolean {
    const stack: Frame[] = [];
    let result = this.enter(root, stack);
    while (stack.length > 0) {
      const f = stack[stack.length - 1];
      if (f.next < f.kids.length) {
        if (this.enter(f.kids[f.next++], stack) === true) f.heavy = true;
        continue;
      }
      stack.pop();
      this.done.set(f.v, f.heavy);
      if (f.heavy) this.out.add(f.v);
      if (stack.length > 0) stack[stack.length - 1].heavy ||= f.heavy;
      else result = f.heavy;
    }
    return result === true;
  }

  /** true/false when v is settled, undefined when a frame for it was pushed. */
  private enter(v: PyValue, stack: Frame[]): boolean | undefined {
    if (isHeavyLeaf(v)) {
      this.out.add(v);
      return true;
    }
    if (typeof v !== 'object' || v === null) return false;
    const known = this.done.get(v);
    if (known !== undefined) return known;
    const kids = childrenOf(v);
    if (kids.length === 0) return false;
    if (stack.length >= this.maxDepth) {
      throw new FlowsegInputError(
        `${this.path}: a value is nested more than ${this.maxDepth} levels deep (${raiseHint('maxPickleDepth')}); ` +
          'data_lidc.pickle needs 5 — the file is corrupt or hostile',
      );
    }
    this.done.set(v, false); // in progress: a cycle back to v adds nothing
    stack.push({ v, kids, next: 0, heavy: false });
    return undefined;
  }
}
