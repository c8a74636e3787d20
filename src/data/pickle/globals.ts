/**
 * The whitelist: the only Python globals a pickle may name. Each one is *interpreted* here
 * by a small TypeScript stand-in — nothing from the file is ever executed, and any other
 * global is refused by the unpickler with the global's name and the file.
 */
import { NdArray, NpDType, PyGlobal, PyInstance, PyTuple, type PyValue } from './values.js';

/** Thrown by the stand-ins; the unpickler adds the file name and offset. */
export class PickleShapeError extends Error {}

type Reduce = (args: readonly PyValue[]) => PyValue;
type NewObj = (args: readonly PyValue[]) => PyValue;

interface GlobalSpec {
  /** Called by REDUCE (`f(*args)`). */
  reduce?: Reduce;
  /** Called by NEWOBJ (`cls.__new__(cls, *args)`). */
  newObj?: NewObj;
}

function reconstruct(): PyValue {
  return new NdArray(); // filled in by BUILD with (version, shape, dtype, fortran, data)
}

function dtype(args: readonly PyValue[]): PyValue {
  const spec = args[0];
  if (typeof spec !== 'string') throw new PickleShapeError('numpy.dtype expects a type string');
  const m = /^([<>|=]?)([biufc])(\d+)$/.exec(spec);
  if (!m) throw new PickleShapeError(`numpy dtype '${spec}' is not a plain numeric type (object arrays are refused)`);
  if (!/^(b1|[iu][1248]|f[248]|c(8|16))$/.test(`${m[2]}${m[3]}`)) throw new PickleShapeError(`numpy dtype '${spec}' has no such item size`);
  const dt = new NpDType(m[2], Number(m[3]));
  if (m[1]) dt.byteOrder = m[1] as NpDType['byteOrder'];
  return dt;
}

/** A shape tuple; sizes are checked here so no later product can overflow or go negative. */
function shapeOf(v: PyValue): number[] {
  if (!(v instanceof PyTuple) || !v.items.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)) {
    throw new PickleShapeError('numpy array shape must be a tuple of non-negative ints');
  }
  const dims = v.items as number[];
  if (dims.length > 32) throw new PickleShapeError(`numpy array has ${dims.length} dimensions (numpy allows 32)`);
  if (!Number.isSafeInteger(dims.reduce((a, b) => a * b, 1))) throw new PickleShapeError(`numpy array shape (${dims.join(', ')}) overflows`);
  return dims;
}

/** Array payloads arrive as bytes (protocol ≥3) or latin-1 text (protocol 2 via `_codecs.encode`). */
function rawBytes(v: PyValue): Uint8Array {
  if (v instanceof Uint8Array) return v;
  if (typeof v === 'string') return latin1Bytes(v);
  throw new PickleShapeError('numpy array data must be bytes (object arrays are refused)');
}

function latin1Bytes(s: string): Uint8Array {
  // Buffer's latin1 encoder would silently truncate wider characters, so refuse them first.
  if (/[\u0100-\uffff]/.test(s)) throw new PickleShapeError('latin-1 text holds a character above U+00FF');
  const b = Buffer.from(s, 'latin1');
  return new Uint8Array(b.buffer, b.byteOffset, b.length).slice(); // own, aligned buffer
}

function codecsEncode(args: readonly PyValue[]): PyValue {
  const [text, encoding] = args;
  if (typeof text !== 'string' || (encoding !== 'latin1' && encoding !== 'latin-1')) {
    throw new PickleShapeError("_codecs.encode is only accepted as encode(str, 'latin1')");
  }
  return latin1Bytes(text);
}

/** Protocol ≥5 numpy: `_frombuffer(buffer, dtype, shape, order)`. */
function fromBuffer(args: readonly PyValue[]): PyValue {
  const [buf, dt, shape, order] = args;
  if (!(dt instanceof NpDType)) throw new PickleShapeError('_frombuffer expects a numpy dtype');
  const arr = new NdArray();
  arr.data = rawBytes(buf);
  arr.dtype = dt;
  arr.shape = shapeOf(shape);
  arr.fortranOrder = order === 'F';
  return arr;
}

const reconstructSpec: GlobalSpec = { reduce: reconstruct };
const fromBufferSpec: GlobalSpec = { reduce: fromBuffer };

const WHITELIST: ReadonlyMap<string, GlobalSpec> = new Map<string, GlobalSpec>([
  ['numpy.core.multiarray._reconstruct', reconstructSpec],
  ['numpy._core.multiarray._reconstruct', reconstructSpec],
  ['numpy.core.numeric._frombuffer', fromBufferSpec],
  ['numpy._core.numeric._frombuffer', fromBufferSpec],
  ['numpy.ndarray', {}],
  ['numpy.dtype', { reduce: dtype }],
  ['_codecs.encode', { reduce: codecsEncode }],
  // str / float subclasses collapse to their JS primitive; their extra state is dropped.
  ['pydicom.uid.UID', { newObj: (a) => String(a[0] ?? '') }],
  ['pydicom.valuerep.DSfloat', { newObj: (a) => Number(a[0] ?? 0) }],
  ['pydicom.multival.MultiValue', { newObj: (a) => new PyInstance('pydicom.multival.MultiValue', a) }],
]);

export function isWhitelisted(qualifiedName: string): boolean {
  return WHITELIST.has(qualifiedName);
}

export const WHITELIST_NAMES: readonly string[] = [...WHITELIST.keys()];

export function callGlobal(fn: PyValue, args: readonly PyValue[]): PyValue {
  const spec = fn instanceof PyGlobal ? WHITELIST.get(fn.qualifiedName) : undefined;
  if (!spec?.reduce) throw new PickleShapeError(`cannot call ${describe(fn)}`);
  return spec.reduce(args);
}

export function newObject(cls: PyValue, args: readonly PyValue[]): PyValue {
  const spec = cls instanceof PyGlobal ? WHITELIST.get(cls.qualifiedName) : undefined;
  if (!spec?.newObj) throw new PickleShapeError(`cannot instantiate ${describe(cls)}`);
  return spec.newObj(args);
}

/** BUILD: applies `state` to `target` the way the real class's __setstate__ would. */
export function buildObject(target: PyValue, state: PyValue): void {
  if (target instanceof NdArray) {
    // ndarray.__setstate__((version, shape, dtype, is_fortran, rawdata))
    const items = state instanceof PyTuple ? state.items : [];
    const [, shape, dt, fortran, data] = items.length === 5 ? items : [null, ...items];
    if (!(dt instanceof NpDType)) throw new PickleShapeError('ndarray state lacks a dtype');
    target.shape = shapeOf(shape);
    target.dtype = dt;
    target.fortranOrder = fortran === true;
    target.data = rawBytes(data);
  } else if (target instanceof NpDType) {
    // dtype.__setstate__((version, byteorder, subarray, names, fields, elsize, alignment, flags))
    const order = state instanceof PyTuple ? state.items[1] : undefined;
    if (order === '<' || order === '>' || order === '|' || order === '=') target.byteOrder = order;
  } else if (target instanceof PyInstance) {
    target.state = state;
  } else if (typeof target === 'string' || typeof target === 'number') {
    // UID / DSfloat instance dicts (e.g. original_string): not needed for segmentation.
  } else {
    throw new PickleShapeError(`cannot set the state of ${describe(target)}`);
  }
}

function describe(v: PyValue): string {
  if (v instanceof PyGlobal) return v.qualifiedName;
  if (v === null) return 'None';
  return typeof v === 'object' ? (v.constructor?.name ?? 'object') : typeof v;
}
