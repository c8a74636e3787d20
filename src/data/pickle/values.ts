/**
 * The Python values the unpickler can produce. Plain JS stands in where it can
 * (None → null, bool, int/float → number, big int → bigint, str → string, bytes → Uint8Array,
 * list → array); the rest get small classes so nothing is confused with a list.
 */
export type PyValue = null | boolean | number | bigint | string | Uint8Array | PyValue[] | PyTuple | PyDict | PySet | PyInstance | PyGlobal | NdArray | NpDType;

export class PyTuple {
  constructor(readonly items: readonly PyValue[]) {}
}

/** A dict; keys are kept as the JS values themselves (strings and numbers compare by value). */
export class PyDict {
  readonly map = new Map<PyValue, PyValue>();
  get(key: string): PyValue | undefined {
    return this.map.get(key);
  }
}

export class PySet {
  readonly items: PyValue[] = [];
  constructor(readonly frozen: boolean) {}
}

/** An instance of a whitelisted class that has no JS counterpart (e.g. pydicom's MultiValue). */
export class PyInstance {
  state: PyValue = null;
  constructor(
    readonly className: string,
    readonly args: readonly PyValue[],
  ) {}
}

/** A whitelisted global before it is called (`module.name`). */
export class PyGlobal {
  constructor(readonly qualifiedName: string) {}
}

/** numpy dtype: kind + item size (from 'f8', 'u1', ...) and byte order (from its BUILD state). */
export class NpDType {
  byteOrder: '<' | '>' | '|' | '=' = '=';
  constructor(
    readonly kind: string,
    readonly itemSize: number,
  ) {}
}

/** numpy ndarray: filled in two steps (`_reconstruct` then BUILD), or at once by `_frombuffer`. */
export class NdArray {
  shape: number[] = [];
  dtype: NpDType | null = null;
  fortranOrder = false;
  data: Uint8Array = new Uint8Array(0);
}
