/**
 * The pickle memo (slot → object, for BINGET back-references), with one twist for streaming:
 * once a top-level entry has been handed out, memo slots that hold its array data are
 * replaced by a marker, so memory does not grow with the file. Small values (strings used as
 * keys, globals, dtypes) stay, since later entries do reference them.
 */
import { NdArray, PyDict, PyInstance, PyTuple, type PyValue } from './values.js';

/** Values above this many bytes/chars count as array data. */
const HEAVY_BYTES = 1024;

export const RELEASED = Symbol('released');

export class StreamingMemo {
  private slots = new Map<number, PyValue | typeof RELEASED>();
  private recent: number[] = [];

  get size(): number {
    return this.slots.size;
  }

  put(slot: number, v: PyValue): void {
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
    for (const [, v] of delivered) markHeavy(v, heavy);
    // Also drops what merely held array data on the way, e.g. ndarray BUILD state tuples.
    for (const slot of this.recent) {
      const v = this.slots.get(slot);
      if (v === RELEASED || v === undefined) continue;
      if (heavy.has(v) || markHeavy(v, heavy)) this.slots.set(slot, RELEASED);
    }
    this.recent = [];
  }
}

/** Collects v and its containers into `out` when they (transitively) hold array data or big bytes/text. */
function markHeavy(v: PyValue, out: Set<PyValue>): boolean {
  if (v instanceof NdArray || ((v instanceof Uint8Array || typeof v === 'string') && v.length > HEAVY_BYTES)) {
    out.add(v);
    return true;
  }
  let children: readonly PyValue[] = [];
  if (Array.isArray(v)) children = v;
  else if (v instanceof PyTuple) children = v.items;
  else if (v instanceof PyDict) children = [...v.map.values()];
  else if (v instanceof PyInstance) children = [v.state];
  let any = false;
  for (const c of children) any = markHeavy(c, out) || any;
  if (any) out.add(v);
  return any;
}
