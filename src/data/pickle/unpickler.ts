/**
 * A streaming, non-executing unpickler for protocols 2–5. It interprets opcodes itself,
 * resolves globals only through the whitelist in `globals.ts`, and — when the top-level
 * object is a dict — hands out its entries one by one as soon as each value is complete,
 * so a multi-GB pickle is read in bounded memory.
 */
import { FlowsegInputError } from '../../util/errors.js';
import { limit, raiseHint } from '../../util/limits.js';
import { ByteSource } from './byteSource.js';
import { PickleShapeError, WHITELIST_NAMES, buildObject, callGlobal, isWhitelisted, newObject } from './globals.js';
import { RELEASED, StreamingMemo } from './memo.js';
import { PyDict, PyGlobal, PySet, PyTuple, type PyValue } from './values.js';
import { OP } from './opcodes.js';

/** A stand-in called by REDUCE (`f(*args)`); throw PickleShapeError on arguments it cannot take. */
export type PickleReduce = (args: readonly PyValue[]) => PyValue;

/**
 * What a pickle dialect adds to the LIDC whitelist (import-torch's `torch.save` files): still
 * nothing from the file is executed — every added global is a TypeScript stand-in.
 */
export interface UnpicklerHooks {
  /** More globals, qualified name → REDUCE stand-in, or null for names only referenced (never called). */
  globals?: ReadonlyMap<string, PickleReduce | null>;
  /** BINPERSID: a persistent id (e.g. a torch storage reference) → its value; without it the opcode is refused. */
  persistentLoad?: (pid: PyValue) => PyValue;
  /** BUILD on a dict (an OrderedDict's attributes, such as a state_dict's `_metadata`) is dropped instead of refused. */
  dropDictState?: boolean;
  /**
   * Hand a top-level dict's entries out only at its SETITEMS, not as soon as the next entry
   * starts: values built by REDUCE (GLOBAL, args, REDUCE: tensors, numpy scalars) look complete
   * too early otherwise. For small pickles (checkpoints); LIDC's streaming needs the default.
   */
  entriesAtSetItems?: boolean;
}

export class StreamingUnpickler {
  private src: ByteSource;
  private stack: PyValue[] = [];
  private metastack: PyValue[][] = [];
  private memo: StreamingMemo;
  private root: PyValue | undefined;
  // Work done for the entry being built; reset each time entries are handed out.
  private objects = 0;
  private memoRefs = 0;
  private readonly maxObjects = limit('maxPickleObjects');
  private readonly maxMemoRefs = limit('maxPickleMemoRefs');
  private readonly maxDepth = limit('maxPickleDepth');
  private readonly maxEntryBytes = limit('maxPickleEntryBytes');
  /** File offset where the entry being built began (bytes since then are held in memory). */
  private entryStart = 0;
  private rootBatchOpen = false;
  private ready: [PyValue, PyValue][] = [];
  private result: PyValue | undefined;

  constructor(
    readonly path: string,
    private readonly hooks: UnpicklerHooks = {},
  ) {
    this.src = new ByteSource(path);
    this.memo = new StreamingMemo(path, this.maxDepth);
  }

  get bytesRead(): number {
    return this.src.offset;
  }

  get fileSize(): number {
    return this.src.size;
  }

  /** Entries of a top-level dict, in file order; memory stays bounded by one entry. */
  *entries(): Generator<[PyValue, PyValue]> {
    try {
      while (this.result === undefined) {
        this.step();
        if (this.ready.length > 0) {
          const out = this.ready;
          this.ready = [];
          for (const pair of out) yield pair;
          this.memo.release(out);
          this.objects = 0;
          this.memoRefs = 0;
          this.entryStart = this.src.offset;
        }
      }
      if (!(this.result instanceof PyDict)) {
        throw new FlowsegInputError(`${this.path}: the pickle holds a ${typeName(this.result)}, expected a dict of slices`);
      }
      // A dict built without batches (rare) was kept whole; hand its items out now.
      for (const pair of this.result.map) yield pair;
    } finally {
      this.src.close();
    }
  }

  /** Loads the whole object (for small pickles and tests). */
  load(): PyValue {
    try {
      while (this.result === undefined) this.step();
      return this.result;
    } finally {
      this.src.close();
    }
  }

  private fail(what: string, at: number): never {
    throw new FlowsegInputError(`${this.path}: ${what} (at byte ${at}) — the file is corrupt or not a supported pickle`);
  }

  private push(v: PyValue): void {
    if (++this.objects > this.maxObjects) {
      throw new FlowsegInputError(
        `${this.path}: one entry creates more than ${this.maxObjects} objects (at byte ${this.src.offset}; ${raiseHint('maxPickleObjects')}); ` +
          'a data_lidc.pickle entry needs about 100 — the file is corrupt or hostile',
      );
    }
    if (this.root === undefined && this.metastack.length === 0 && this.stack.length === 0) this.root = v;
    this.stack.push(v);
  }

  private pop(at: number): PyValue {
    if (this.stack.length === 0) this.fail('stack underflow', at);
    return this.stack.pop() as PyValue;
  }

  private top(at: number): PyValue {
    if (this.stack.length === 0) this.fail('stack underflow', at);
    return this.stack[this.stack.length - 1];
  }

  private popMark(at: number): PyValue[] {
    const items = this.stack;
    const prev = this.metastack.pop();
    if (!prev) this.fail('MARK expected', at);
    this.stack = prev;
    if (this.metastack.length === 0) this.rootBatchOpen = false;
    return items;
  }

  private memoGet(slot: number, at: number): PyValue {
    if (++this.memoRefs > this.maxMemoRefs) {
      throw new FlowsegInputError(
        `${this.path}: one entry makes more than ${this.maxMemoRefs} memo references (at byte ${at}; ${raiseHint('maxPickleMemoRefs')}); ` +
          'the file repeats shared objects like a memo bomb — re-save it with plain copies',
      );
    }
    const v = this.memo.get(slot);
    if (v === undefined) this.fail(`memo slot ${slot} is referenced before it is set`, at);
    if (v === RELEASED) {
      throw new FlowsegInputError(
        `${this.path}: byte ${at} re-uses an array of an earlier dict entry; flowseg streams entries and ` +
          'does not keep them — re-save the pickle with copies (e.g. np.array(x, copy=True)) per entry',
      );
    }
    return v;
  }

  /** Sets dict items; items of the top-level dict are handed out instead of stored. */
  private setItems(target: PyValue, flat: PyValue[], at: number): void {
    if (flat.length % 2 !== 0) this.fail('odd number of dict items', at);
    if (target === this.root && target instanceof PyDict) {
      for (let i = 0; i < flat.length; i += 2) this.ready.push([flat[i], flat[i + 1]]);
      return;
    }
    if (!(target instanceof PyDict)) this.fail(`SETITEMS on a ${typeName(target)}`, at);
    for (let i = 0; i < flat.length; i += 2) target.map.set(flat[i], flat[i + 1]);
  }

  private step(): void {
    const at = this.src.offset;
    const op = this.src.u8();
    const s = this.src;
    try {
      this.exec(op, at, s);
    } catch (err) {
      if (err instanceof PickleShapeError) this.fail(err.message, at);
      throw err;
    }
    // Inside the top-level dict's MARK … SETITEMS batch, v1 is complete once the pickler has
    // started the next entry: `k1 v1 k2 {}` on the batch's stack as `{}` opens its own MARK
    // batch (how Python pickles every data_lidc.pickle value). A bare `k1 v1 x` is not enough:
    // x may still belong to v1 (a one-item dict's SETITEM, a tuple, REDUCE arguments). Values
    // never matching stay on the stack until the batch's SETITEMS, which is correct, only later.
    if (this.rootBatchOpen && this.src.offset - this.entryStart > this.maxEntryBytes) {
      this.fail(
        `${(this.src.offset - this.entryStart).toLocaleString('en-US')} bytes were read without completing a dict entry ` +
          `(${raiseHint('maxPickleEntryBytes')}); re-save the data as a dict of dicts, one per slice`,
        at,
      );
    }
    if (op === OP.MARK && this.rootBatchOpen && this.metastack.length === 2) {
      const batch = this.metastack[1];
      if (batch.length === 4 && isKey(batch[2]) && isFreshContainer(batch[3])) {
        this.ready.push([batch[0], batch[1]]);
        batch.splice(0, 2);
      }
    }
  }

  private exec(op: number, at: number, s: ByteSource): void {
    switch (op) {
      case OP.PROTO: {
        const v = s.u8();
        if (v > 5) this.fail(`pickle protocol ${v} is newer than 5`, at);
        return;
      }
      case OP.FRAME:
        s.u64(); // frames only hint at buffering; opcodes flow straight across them
        return;
      case OP.STOP:
        this.result = this.pop(at);
        return;
      case OP.MARK:
        if (
          !this.hooks.entriesAtSetItems &&
          this.metastack.length === 0 &&
          this.stack.length === 1 &&
          this.stack[0] === this.root &&
          this.root instanceof PyDict
        ) {
          this.rootBatchOpen = true;
        }
        if (this.metastack.length >= this.maxDepth) {
          this.fail(`MARKs nested more than ${this.maxDepth} deep (${raiseHint('maxPickleDepth')})`, at);
        }
        this.metastack.push(this.stack);
        this.stack = [];
        return;
      case OP.POP:
        if (this.stack.length > 0) this.stack.pop();
        else this.popMark(at);
        return;
      case OP.POP_MARK:
        this.popMark(at);
        return;
      case OP.DUP:
        this.push(this.top(at));
        return;
      case OP.NONE:
        this.push(null);
        return;
      case OP.NEWTRUE:
        this.push(true);
        return;
      case OP.NEWFALSE:
        this.push(false);
        return;
      case OP.BININT:
        this.push(s.i32());
        return;
      case OP.BININT1:
        this.push(s.u8());
        return;
      case OP.BININT2:
        this.push(s.u16());
        return;
      case OP.LONG1:
        this.push(decodeLong(s.bytes(s.u8())));
        return;
      case OP.LONG4:
        this.push(decodeLong(s.bytes(this.length(s.i32(), MAX_LONG_BYTES, 'LONG4 integer', at))));
        return;
      case OP.BINFLOAT:
        this.push(s.f64be());
        return;
      case OP.SHORT_BINSTRING:
        this.push(s.latin1(s.u8()));
        return;
      case OP.BINSTRING:
        this.push(s.latin1(this.length(s.i32(), Number.MAX_SAFE_INTEGER, 'BINSTRING', at)));
        return;
      case OP.SHORT_BINUNICODE:
        this.push(s.utf8(s.u8()));
        return;
      case OP.BINUNICODE:
        this.push(s.utf8(s.u32()));
        return;
      case OP.BINUNICODE8:
        this.push(s.utf8(s.u64()));
        return;
      case OP.SHORT_BINBYTES:
        this.push(s.bytes(s.u8()));
        return;
      case OP.BINBYTES:
        this.push(s.bytes(s.u32()));
        return;
      case OP.BINBYTES8:
      case OP.BYTEARRAY8:
        this.push(s.bytes(s.u64()));
        return;
      case OP.EMPTY_TUPLE:
        this.push(new PyTuple([]));
        return;
      case OP.TUPLE1:
        this.push(new PyTuple([this.pop(at)]));
        return;
      case OP.TUPLE2: {
        const b = this.pop(at);
        this.push(new PyTuple([this.pop(at), b]));
        return;
      }
      case OP.TUPLE3: {
        const c = this.pop(at);
        const b = this.pop(at);
        this.push(new PyTuple([this.pop(at), b, c]));
        return;
      }
      case OP.TUPLE:
        this.push(new PyTuple(this.popMark(at)));
        return;
      case OP.EMPTY_LIST:
        this.push([]);
        return;
      case OP.LIST:
        this.push(this.popMark(at));
        return;
      case OP.APPEND: {
        const v = this.pop(at);
        const list = this.top(at);
        if (!Array.isArray(list)) this.fail(`APPEND on a ${typeName(list)}`, at);
        list.push(v);
        return;
      }
      case OP.APPENDS: {
        const items = this.popMark(at);
        const list = this.top(at);
        if (!Array.isArray(list)) this.fail(`APPENDS on a ${typeName(list)}`, at);
        for (const v of items) list.push(v);
        return;
      }
      case OP.EMPTY_DICT:
        this.push(new PyDict());
        return;
      case OP.DICT: {
        const d = new PyDict();
        this.setItems(d, this.popMark(at), at);
        this.push(d);
        return;
      }
      case OP.SETITEM: {
        const v = this.pop(at);
        const k = this.pop(at);
        this.setItems(this.top(at), [k, v], at);
        return;
      }
      case OP.SETITEMS: {
        const items = this.popMark(at);
        this.setItems(this.top(at), items, at);
        return;
      }
      case OP.EMPTY_SET:
        this.push(new PySet(false));
        return;
      case OP.ADDITEMS: {
        const items = this.popMark(at);
        const set = this.top(at);
        if (!(set instanceof PySet)) this.fail(`ADDITEMS on a ${typeName(set)}`, at);
        for (const v of items) set.items.push(v); // no spread: 100k items would overflow the call stack
        return;
      }
      case OP.FROZENSET: {
        const set = new PySet(true);
        for (const v of this.popMark(at)) set.items.push(v);
        this.push(set);
        return;
      }
      case OP.BINGET:
        this.push(this.memoGet(s.u8(), at));
        return;
      case OP.LONG_BINGET:
        this.push(this.memoGet(s.u32(), at));
        return;
      case OP.BINPUT:
        this.memo.put(s.u8(), this.top(at));
        return;
      case OP.LONG_BINPUT:
        this.memo.put(s.u32(), this.top(at));
        return;
      case OP.MEMOIZE:
        this.memo.put(this.memo.size, this.top(at));
        return;
      case OP.GLOBAL: {
        const module = s.line();
        const name = s.line();
        this.push(this.global(module, name, at));
        return;
      }
      case OP.STACK_GLOBAL: {
        const name = this.pop(at);
        const module = this.pop(at);
        if (typeof module !== 'string' || typeof name !== 'string') this.fail('STACK_GLOBAL needs two strings', at);
        this.push(this.global(module, name, at));
        return;
      }
      case OP.REDUCE: {
        const args = this.pop(at);
        const fn = this.pop(at);
        if (!(args instanceof PyTuple)) this.fail('REDUCE arguments are not a tuple', at);
        const hook = fn instanceof PyGlobal ? this.hooks.globals?.get(fn.qualifiedName) : undefined;
        if (fn instanceof PyGlobal && this.hooks.globals?.has(fn.qualifiedName)) {
          if (!hook) throw new PickleShapeError(`cannot call ${fn.qualifiedName}`);
          this.push(hook(args.items));
        } else {
          this.push(callGlobal(fn, args.items));
        }
        return;
      }
      case OP.BINPERSID: {
        if (!this.hooks.persistentLoad) this.unsupported(op, at);
        this.push(this.hooks.persistentLoad(this.pop(at)));
        return;
      }
      case OP.NEWOBJ: {
        const args = this.pop(at);
        const cls = this.pop(at);
        if (!(args instanceof PyTuple)) this.fail('NEWOBJ arguments are not a tuple', at);
        this.push(newObject(cls, args.items));
        return;
      }
      case OP.NEWOBJ_EX: {
        this.pop(at); // kwargs: none of the whitelisted classes take any
        const args = this.pop(at);
        const cls = this.pop(at);
        if (!(args instanceof PyTuple)) this.fail('NEWOBJ_EX arguments are not a tuple', at);
        this.push(newObject(cls, args.items));
        return;
      }
      case OP.BUILD: {
        const state = this.pop(at);
        const target = this.top(at);
        if (this.hooks.dropDictState && target instanceof PyDict) return;
        buildObject(target, state);
        return;
      }
      case OP.NEXT_BUFFER:
      case OP.READONLY_BUFFER:
        this.fail('the pickle uses out-of-band buffers (protocol 5 buffer_callback), which a file cannot carry', at);
        return;
      default:
        this.unsupported(op, at);
    }
  }

  private unsupported(op: number, at: number): never {
    this.fail(
      `unsupported opcode 0x${op.toString(16).padStart(2, '0')} (flowseg reads binary pickles, protocols 2–5; ` +
        'text protocols 0/1, persistent ids and extension codes are refused)',
      at,
    );
  }

  /** A signed length operand: refuses negative values and values over `max` before anything is read. */
  private length(n: number, max: number, what: string, at: number): number {
    if (n < 0) this.fail(`${what} has a negative length ${n}`, at);
    if (n > max) this.fail(`${what} is ${n} bytes long, more than the ${max} flowseg accepts`, at);
    return n;
  }

  private global(module: string, name: string, at: number): PyGlobal {
    const qualified = `${module}.${name}`;
    if (!isWhitelisted(qualified) && !this.hooks.globals?.has(qualified)) {
      throw new FlowsegInputError(
        `${this.path} names the Python global '${qualified}' (byte ${at}), which flowseg refuses to load; ` +
          `nothing in a pickle is executed and only these are allowed: ${WHITELIST_NAMES.join(', ')}. ` +
          'Re-save the data with plain numpy arrays, or convert it to .npz and use --format npz',
      );
    }
    return new PyGlobal(qualified);
  }
}

/** What a dict key of a real pickle is: a str or an int, pushed by one opcode. */
function isKey(v: PyValue): boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint';
}

/** A container just created by EMPTY_DICT / EMPTY_LIST / EMPTY_SET, before its items arrive. */
function isFreshContainer(v: PyValue): boolean {
  return (v instanceof PyDict && v.map.size === 0) || (Array.isArray(v) && v.length === 0) || (v instanceof PySet && v.items.length === 0);
}

/** Python ints in real data are small; a long LONG4 would only make BigInt decoding crawl. */
const MAX_LONG_BYTES = 1024;

/** Two's-complement little-endian integer (LONG1/LONG4). */
function decodeLong(bytes: Uint8Array): number | bigint {
  if (bytes.length === 0) return 0;
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]);
  if (bytes[bytes.length - 1] & 0x80) n -= 1n << BigInt(8 * bytes.length);
  return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
}

function typeName(v: PyValue | undefined): string {
  if (v === null || v === undefined) return 'None';
  if (Array.isArray(v)) return 'list';
  if (typeof v === 'object') return v.constructor.name;
  return typeof v;
}
