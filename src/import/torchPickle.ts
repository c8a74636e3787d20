/**
 * PyTorch's pickles (`torch.save`) through flowseg's own non-executing unpickler
 * (src/data/pickle/). torch needs three things the LIDC whitelist does not have: its tensor
 * rebuild functions and storage classes as globals, BINPERSID (storages are persistent ids that
 * point outside the pickle) and BUILD on an OrderedDict (a state_dict's `_metadata`). They come
 * in through the unpickler's hooks (`UnpicklerHooks`) — still nothing from the file is executed:
 * every global is a small TypeScript stand-in below.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PickleShapeError } from '../data/pickle/globals.js';
import { StreamingUnpickler, type PickleReduce, type UnpicklerHooks } from '../data/pickle/unpickler.js';
import { NpDType, PyDict, PyGlobal, PyInstance, PyTuple, type PyValue } from '../data/pickle/values.js';
import { FlowsegInputError } from '../util/errors.js';

/** Element types of torch storages (`torch.FloatStorage` → f4, …); bf16 and f2 are widened on read. */
export type TorchDType = 'f8' | 'f4' | 'f2' | 'bf16' | 'i8' | 'i4' | 'i2' | 'i1' | 'u1' | 'b1';

const STORAGES: Readonly<Record<string, TorchDType>> = {
  DoubleStorage: 'f8',
  FloatStorage: 'f4',
  HalfStorage: 'f2',
  BFloat16Storage: 'bf16',
  LongStorage: 'i8',
  IntStorage: 'i4',
  ShortStorage: 'i2',
  CharStorage: 'i1',
  ByteStorage: 'u1',
  BoolStorage: 'b1',
};

export const ITEM_SIZE: Readonly<Record<TorchDType, number>> = { f8: 8, f4: 4, f2: 2, bf16: 2, i8: 8, i4: 4, i2: 2, i1: 1, u1: 1, b1: 1 };

/** A storage named by a persistent id `('storage', torch.FloatStorage, key, location, numel[, view])`. */
export class TorchStorageRef extends PyInstance {
  constructor(
    readonly key: string,
    readonly dtype: TorchDType,
    readonly numel: number,
  ) {
    super('torch.Storage', []);
  }
}

/** `_rebuild_tensor_v2(storage, offset, size, stride, …)`: a strided view into a storage (elements). */
export class TorchTensorRef extends PyInstance {
  constructor(
    readonly storage: TorchStorageRef,
    readonly offset: number,
    readonly size: readonly number[],
    readonly stride: readonly number[],
  ) {
    super('torch.Tensor', []);
  }
}

const ints = (v: PyValue, what: string): number[] => {
  const items = v instanceof PyTuple ? v.items : Array.isArray(v) ? v : null;
  if (!items?.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 0)) {
    throw new PickleShapeError(`${what} must be a tuple of non-negative ints`);
  }
  return items as number[];
};

function rebuildTensor(args: readonly PyValue[]): PyValue {
  const [storage, offset, size, stride] = args;
  if (!(storage instanceof TorchStorageRef)) throw new PickleShapeError('_rebuild_tensor_v2: first argument is not a storage');
  if (typeof offset !== 'number') throw new PickleShapeError('_rebuild_tensor_v2: storage offset is not an int');
  const shape = ints(size as PyValue, 'tensor size');
  const strides = ints(stride as PyValue, 'tensor stride');
  if (shape.length !== strides.length) throw new PickleShapeError(`tensor size [${shape}] and stride [${strides}] differ in length`);
  return new TorchTensorRef(storage, offset, shape, strides);
}

/** numpy scalars (e.g. a best Dice saved as np.float64 beside the weights): `scalar(dtype, bytes)`. */
function numpyScalar(args: readonly PyValue[]): PyValue {
  const [dt, raw] = args;
  if (!(dt instanceof NpDType) || !(raw instanceof Uint8Array)) throw new PickleShapeError('numpy scalar expects (dtype, bytes)');
  const v = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const le = dt.byteOrder !== '>';
  const code = `${dt.kind}${dt.itemSize}`;
  if (raw.byteLength !== dt.itemSize) throw new PickleShapeError(`numpy scalar of ${code} holds ${raw.byteLength} bytes`);
  if (code === 'f8') return v.getFloat64(0, le);
  if (code === 'f4') return v.getFloat32(0, le);
  if (code === 'i8') return Number(v.getBigInt64(0, le));
  if (code === 'u8') return Number(v.getBigUint64(0, le));
  if (code === 'i4') return v.getInt32(0, le);
  if (code === 'u4') return v.getUint32(0, le);
  if (code === 'b1' || code === 'u1') return v.getUint8(0);
  throw new PickleShapeError(`numpy scalar of dtype ${code} is not supported`);
}

/** The torch additions to the whitelist; REDUCE on any of them calls the stand-in, nothing else. */
const TORCH_GLOBALS: ReadonlyMap<string, PickleReduce | null> = new Map<string, PickleReduce | null>([
  ['collections.OrderedDict', () => new PyDict()],
  ['torch._utils._rebuild_tensor_v2', rebuildTensor],
  ['torch._utils._rebuild_tensor', rebuildTensor],
  // nn.Parameter(data, requires_grad, hooks[, state]): only the data matters here
  ['torch._utils._rebuild_parameter', (a) => a[0] ?? null],
  ['torch._utils._rebuild_parameter_with_state', (a) => a[0] ?? null],
  ['numpy.core.multiarray.scalar', numpyScalar],
  ['numpy._core.multiarray.scalar', numpyScalar],
  // storage classes only appear inside persistent ids, never called
  ...Object.keys(STORAGES).map((s) => [`torch.${s}`, null] as [string, null]),
]);

export const TORCH_GLOBAL_NAMES: readonly string[] = [...TORCH_GLOBALS.keys()];

function persistentLoad(pid: PyValue): PyValue {
  const items = pid instanceof PyTuple ? pid.items : [];
  const [tag, cls, key, , numel] = items;
  if (tag !== 'storage' || !(cls instanceof PyGlobal) || (typeof key !== 'string' && typeof key !== 'number') || typeof numel !== 'number') {
    throw new PickleShapeError("persistent id is not a torch storage ('storage', <type>, key, location, numel)");
  }
  const dtype = STORAGES[cls.qualifiedName.replace(/^torch\./, '')];
  if (!dtype) throw new PickleShapeError(`storage type ${cls.qualifiedName} is not supported`);
  return new TorchStorageRef(String(key), dtype, numel);
}

/**
 * The torch dialect: its globals and storages, a state_dict's `_metadata` dropped, and entries
 * handed out whole at SETITEMS (tensors and numpy scalars are built by REDUCE after their key;
 * checkpoints are small).
 */
const TORCH_HOOKS: UnpicklerHooks = { globals: TORCH_GLOBALS, persistentLoad, dropDictState: true, entriesAtSetItems: true };

function torchUnpickler(path: string): StreamingUnpickler {
  return new StreamingUnpickler(path, TORCH_HOOKS);
}

/**
 * Unpickles torch pickle bytes (e.g. a zip checkpoint's data.pkl) into the entries of its
 * top-level dict. `display` names the source in errors (`model.pth:archive/data.pkl`).
 */
export function unpickleTorch(bytes: Uint8Array, display: string): [PyValue, PyValue][] {
  const dir = mkdtempSync(join(tmpdir(), 'flowseg-torch-'));
  const file = join(dir, 'data.pkl');
  try {
    writeFileSync(file, bytes);
    return unpickleTorchFile(file, display).entries;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** As {@link unpickleTorch} from a file; also returns the bytes consumed (legacy files hold several pickles). */
export function unpickleTorchFile(file: string, display: string, whole = true): { entries: [PyValue, PyValue][]; value: PyValue; bytesRead: number } {
  const u = torchUnpickler(file);
  try {
    if (!whole) {
      const value = u.load();
      return { entries: [], value, bytesRead: u.bytesRead };
    }
    const entries = [...u.entries()];
    return { entries, value: null, bytesRead: u.bytesRead };
  } catch (e) {
    if (e instanceof FlowsegInputError) throw new FlowsegInputError(torchMessage(e.message.split(file).join(display), display));
    throw e;
  }
}

/** Rewrites the LIDC-oriented hints of the unpickler's messages for a torch checkpoint. */
function torchMessage(message: string, display: string): string {
  const refused = /names the Python global '([^']+)' \(byte (\d+)\)/.exec(message);
  if (refused) {
    return (
      `${display} names the Python global '${refused[1]}' (byte ${refused[2]}), which flowseg refuses to load (nothing in a checkpoint is executed; ` +
      'torch tensors, OrderedDict and numpy scalars are allowed) — save model.state_dict() rather than the model object, e.g. torch.save(model.state_dict(), "model.pth")'
    );
  }
  return message.replace(/expected a dict of slices/, 'expected a state_dict or a dict holding one');
}
