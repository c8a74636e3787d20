/**
 * Reads a `torch.save` file into named float tensors, without Python and without running
 * anything from the file. Two containers:
 * - zip (torch ≥ 1.6): `<archive>/data.pkl` (the object graph; tensors point at storages by
 *   persistent id) + `<archive>/data/<key>` (raw little-endian storage bytes) + `byteorder`;
 * - legacy (`_use_new_zipfile_serialization=False`): pickles of magic number, protocol,
 *   sys_info, the object, the storage keys, then each storage as int64 numel + raw bytes.
 */
import { closeSync, openSync, readFileSync, readSync, fstatSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { PyDict, type PyValue } from '../data/pickle/values.js';
import { FlowsegInputError } from '../util/errors.js';
import { ITEM_SIZE, TorchTensorRef, unpickleTorch, unpickleTorchFile } from './torchPickle.js';
import { decodeElements } from './elements.js';
import { checkLimit, limit } from '../util/limits.js';

/** A tensor of the checkpoint, values widened to float64, C order. */
export interface ImportedTensor {
  shape: number[];
  /** Storage element type (`f4` for float32 weights). */
  dtype: string;
  data: Float64Array;
}

export interface TorchFile {
  /** The top-level dict's entries as unpickled (tensors still as references). */
  entries: [PyValue, PyValue][];
  /** Materialises a tensor reference; `name` is for error messages. */
  tensor(ref: TorchTensorRef, name: string): ImportedTensor;
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const LEGACY_MAGIC = 0x1950a86a20f9469cfc6cn;

/** Opens a checkpoint written by torch.save; errors name the file and what is wrong. */
export function readTorchFile(path: string): TorchFile {
  let head: Buffer;
  try {
    head = readFileSync(path).subarray(0, 4);
  } catch {
    throw new FlowsegInputError(`${path}: cannot read the file (does it exist?)`);
  }
  if (ZIP_MAGIC.every((b, i) => head[i] === b)) return readZip(path);
  if (head[0] === 0x80 && head[1] >= 2 && head[1] <= 5) return readLegacy(path);
  throw new FlowsegInputError(
    `${path} is neither a zip nor a pickle, so not a torch.save checkpoint; save the weights with torch.save(model.state_dict(), path)`,
  );
}

function readZip(path: string): TorchFile {
  let files: Record<string, Uint8Array>;
  try {
    const bytes = new Uint8Array(readFileSync(path));
    // Declared sizes are checked before anything inflates (a 2 MB file may declare 2 GiB).
    // One member is one in-memory buffer: also bounded by the largest buffer Node can allocate.
    const cap = Math.min(limit('maxDecompressedBytes'), 2 ** 31 - 1);
    files = unzipSync(bytes, {
      filter: (f) => {
        if (f.originalSize > cap)
          checkLimit(
            'maxDecompressedBytes',
            Number.POSITIVE_INFINITY,
            `${path}: zip member ${f.name} inflates to ${f.originalSize.toLocaleString('en-US')} bytes`,
          );
        return true;
      },
    });
  } catch (e) {
    if (e instanceof FlowsegInputError) throw e;
    throw new FlowsegInputError(`${path}: corrupt or truncated zip (${(e as Error).message}); copy the checkpoint again`);
  }
  const pkl = Object.keys(files).find((n) => /^[^/]+\/data\.pkl$/.test(n));
  if (!pkl) throw new FlowsegInputError(`${path}: a zip without <archive>/data.pkl, so not a torch.save checkpoint`);
  const prefix = pkl.slice(0, -'data.pkl'.length);
  const order = files[`${prefix}byteorder`];
  if (order && new TextDecoder().decode(order).trim() !== 'little') {
    throw new FlowsegInputError(`${path}: storages are big-endian (${prefix}byteorder); re-save the checkpoint on a little-endian machine`);
  }
  const entries = unpickleTorch(files[pkl], `${path}:${pkl}`);
  return {
    entries,
    tensor: (ref, name) => {
      const member = `${prefix}data/${ref.storage.key}`;
      const bytes = files[member];
      if (!bytes) throw new FlowsegInputError(`${path}: tensor "${name}" points at storage ${member}, which the zip lacks; the file is incomplete`);
      return materialise(ref, bytes, name, path);
    },
  };
}

function readLegacy(path: string): TorchFile {
  const dir = mkdtempSync(join(tmpdir(), 'flowseg-torch-legacy-'));
  try {
    const bytes = readFileSync(path);
    let offset = 0;
    // Each pickle of the sequence is read from a copy of the rest of the file: the unpickler reads from offset 0.
    const next = (whole: boolean): ReturnType<typeof unpickleTorchFile> => {
      const part = join(dir, `part-${offset}`);
      writeFileSync(part, bytes.subarray(offset));
      const r = unpickleTorchFile(part, `${path} (byte ${offset})`, whole);
      rmSync(part);
      offset += r.bytesRead;
      return r;
    };
    const magic = next(false).value;
    if (typeof magic !== 'bigint' || magic !== LEGACY_MAGIC) {
      throw new FlowsegInputError(
        `${path}: a pickle, but not a torch.save checkpoint (no torch magic number); flowseg imports torch.save(model.state_dict(), path) files`,
      );
    }
    next(false); // protocol version
    next(true); // sys_info: {protocol_version, little_endian, type_sizes}
    const entries = next(true).entries;
    const keys = next(false).value;
    if (!Array.isArray(keys) || !keys.every((k) => typeof k === 'string'))
      throw new FlowsegInputError(`${path}: legacy storage key list is missing; the file is corrupt`);
    // Storages follow in key order, each as int64 numel + numel × item size bytes.
    const located = new Map<string, { start: number; numel: number }>();
    const fd = openSync(path, 'r');
    try {
      const size = fstatSync(fd).size;
      const len = Buffer.alloc(8);
      const itemSizes = storageItemSizes(entries);
      for (const key of keys as string[]) {
        if (offset + 8 > size || readSync(fd, len, 0, 8, offset) !== 8)
          throw new FlowsegInputError(`${path} is truncated: storage ${key} is missing; copy the checkpoint again`);
        const numel = Number(len.readBigInt64LE());
        located.set(key, { start: offset + 8, numel });
        offset += 8 + numel * (itemSizes.get(key) ?? 4);
      }
      if (offset > size)
        throw new FlowsegInputError(`${path} is truncated: its storages need ${offset} bytes, the file has ${size}; copy the checkpoint again`);
    } finally {
      closeSync(fd);
    }
    return {
      entries,
      tensor: (ref, name) => {
        const at = located.get(ref.storage.key);
        if (!at) throw new FlowsegInputError(`${path}: tensor "${name}" points at storage ${ref.storage.key}, which the file lacks; the file is incomplete`);
        const n = at.numel * ITEM_SIZE[ref.storage.dtype];
        return materialise(ref, new Uint8Array(bytes.buffer, bytes.byteOffset + at.start, n), name, path);
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Storage key → item size, from every tensor reference in the object graph. */
function storageItemSizes(entries: [PyValue, PyValue][]): Map<string, number> {
  const out = new Map<string, number>();
  const visit = (v: PyValue): void => {
    if (v instanceof TorchTensorRef) out.set(v.storage.key, ITEM_SIZE[v.storage.dtype]);
    else if (v instanceof PyDict) for (const x of v.map.values()) visit(x);
    else if (Array.isArray(v)) for (const x of v) visit(x);
  };
  for (const [, v] of entries) visit(v);
  return out;
}

/** Gathers a strided view of a storage into a C-order float64 array. */
function materialise(ref: TorchTensorRef, bytes: Uint8Array, name: string, path: string): ImportedTensor {
  const { storage, offset, size, stride } = ref;
  const count = size.reduce((a, b) => a * b, 1);
  const maxIndex = count === 0 ? -1 : offset + size.reduce((m, d, i) => m + (d - 1) * (stride[i] as number), 0);
  const itemSize = ITEM_SIZE[storage.dtype];
  if ((maxIndex + 1) * itemSize > bytes.byteLength) {
    throw new FlowsegInputError(
      `${path}: tensor "${name}" [${size}] reaches element ${maxIndex} of a storage holding ${bytes.byteLength / itemSize}; the file is truncated or corrupt`,
    );
  }
  const values = decodeElements(bytes, storage.dtype, maxIndex + 1);
  const data = new Float64Array(count);
  const idx = new Array<number>(size.length).fill(0);
  let src = offset;
  for (let k = 0; k < count; k++) {
    data[k] = values[src] as number;
    // odometer over the shape, moving `src` by the strides
    for (let d = size.length - 1; d >= 0; d--) {
      idx[d] = (idx[d] as number) + 1;
      src += stride[d] as number;
      if ((idx[d] as number) < (size[d] as number)) break;
      src -= (size[d] as number) * (stride[d] as number);
      idx[d] = 0;
    }
  }
  return { shape: [...size], dtype: storage.dtype, data };
}
