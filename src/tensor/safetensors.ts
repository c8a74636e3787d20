import { closeSync, openSync, readSync, fstatSync } from 'node:fs';
import { writeFileAtomic } from '../util/atomicWrite.js';
import { FlowsegInputError } from '../util/errors.js';
import { tensor } from './create.js';
import type { DType } from './dtype.js';
import type { Tensor } from './tensor.js';

// safetensors: u64 LE header length, JSON header {name: {dtype, shape, data_offsets}}, raw LE data.
const TO_ST: Record<DType, string> = { float32: 'F32', float64: 'F64', int64: 'I64', int32: 'I32', uint8: 'U8', bool: 'BOOL' };
const FROM_ST: Record<string, DType> = { F32: 'float32', F64: 'float64', I64: 'int64', I32: 'int32', U8: 'uint8', BOOL: 'bool' };

export interface RawTensor {
  dtype: DType;
  shape: number[];
  data: Float32Array | Float64Array | BigInt64Array | Int32Array | Uint8Array;
}

/** Writes named tensors (+ string metadata) atomically: temp file, then rename. */
export function saveSafetensors(path: string, tensors: Map<string, Tensor> | Record<string, Tensor>, metadata: Record<string, string> = {}): void {
  const entries = tensors instanceof Map ? [...tensors.entries()] : Object.entries(tensors);
  const raw = entries.map(([name, t]) => [name, { dtype: t.dtype, shape: t.shape, data: t.toArray() }] as const);
  saveRawSafetensors(path, new Map(raw), metadata);
}

export function saveRawSafetensors(path: string, tensors: Map<string, RawTensor>, metadata: Record<string, string> = {}): void {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of tensors) {
    const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    header[name] = { dtype: TO_ST[t.dtype], shape: t.shape, data_offsets: [offset, offset + bytes.byteLength] };
    chunks.push(bytes);
    offset += bytes.byteLength;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8); // keep the data 8-byte aligned
  const headerBytes = Buffer.from(json, 'utf8');
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(headerBytes.byteLength));
  writeFileAtomic(path, [len, headerBytes, ...chunks]);
}

export interface SafetensorsFile {
  metadata: Record<string, string>;
  tensors: Map<string, RawTensor>;
}

/** What a reader expects of one tensor (a model parameter has exactly these two fields). */
export interface TensorSpec {
  dtype: DType;
  shape: readonly number[];
}

export interface LoadOptions {
  /**
   * Tensors the caller needs, checked against the header BEFORE any data is read: each must
   * be present with this dtype and shape (other tensors in the file are still loaded).
   */
  expect?: ReadonlyMap<string, TensorSpec>;
}

/** The safetensors format caps its JSON header at 100 MB. */
const MAX_HEADER_BYTES = 100_000_000;
const ITEM_BYTES: Record<DType, number> = { float32: 4, float64: 8, int64: 8, int32: 4, uint8: 1, bool: 1 };

interface Entry {
  dtype: DType;
  shape: number[];
  start: number;
  end: number;
}

/**
 * Validates the JSON header: dtypes, shapes (non-negative integers whose product does not
 * overflow) and data_offsets (in order, inside the file, matching dtype × shape), so a
 * hostile header ends in one message naming the file and the key, never a RangeError.
 */
function parseHeader(path: string, json: unknown, dataBytes: number): { metadata: Record<string, string>; entries: Map<string, Entry> } {
  const corrupt = (what: string): never => {
    throw new FlowsegInputError(`${path}: ${what} — the file is corrupt; re-save it (or use another checkpoint)`);
  };
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return corrupt('the header is not a JSON object');
  let metadata: Record<string, string> = {};
  const entries = new Map<string, Entry>();
  for (const [name, raw] of Object.entries(json as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof raw !== 'object' || raw === null || Object.values(raw).some((v) => typeof v !== 'string')) corrupt('__metadata__ is not a map of strings');
      metadata = raw as Record<string, string>;
      continue;
    }
    const e = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown } | null;
    const at = `tensor '${name}'`;
    if (typeof e !== 'object' || e === null) return corrupt(`${at} is not an object`);
    const dtype = typeof e.dtype === 'string' ? FROM_ST[e.dtype] : undefined;
    if (dtype === undefined)
      throw new FlowsegInputError(`${path}: ${at} has unsupported dtype ${JSON.stringify(e.dtype)}; flowseg reads ${Object.keys(FROM_ST).join(', ')}`);
    const shape = e.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0))
      return corrupt(`${at} has shape ${JSON.stringify(shape)}, expected a list of non-negative integers`);
    const count = (shape as number[]).reduce((a, b) => a * b, 1);
    if (!Number.isSafeInteger(count * ITEM_BYTES[dtype])) return corrupt(`${at} has shape [${shape}], which overflows`);
    const off = e.data_offsets;
    if (!Array.isArray(off) || off.length !== 2 || !off.every((o) => Number.isSafeInteger(o) && o >= 0))
      return corrupt(`${at} has data_offsets ${JSON.stringify(off)}, expected [start, end]`);
    const [start, end] = off as [number, number];
    if (end < start) return corrupt(`${at} has data_offsets [${start}, ${end}] in reverse order`);
    if (end > dataBytes)
      throw new FlowsegInputError(`${path}: truncated (${at} runs past the end of the file: bytes ${start}–${end} of ${dataBytes}); copy the file again`);
    if (end - start !== count * ITEM_BYTES[dtype])
      return corrupt(`${at} holds ${end - start} bytes but ${e.dtype} [${shape}] needs ${count * ITEM_BYTES[dtype]}`);
    entries.set(name, { dtype, shape: shape as number[], start, end });
  }
  return { metadata, entries };
}

/** Throws unless every expected tensor is present with the expected dtype and shape. */
export function expectTensors(found: ReadonlyMap<string, TensorSpec>, expected: ReadonlyMap<string, TensorSpec>, source: string): void {
  for (const [name, want] of expected) {
    const got = found.get(name);
    if (!got) throw new FlowsegInputError(`${source}: tensor '${name}' is missing (was it saved from another model configuration?)`);
    if (got.dtype !== want.dtype) {
      throw new FlowsegInputError(
        `${source}: tensor '${name}' is stored as ${TO_ST[got.dtype]} but the model expects ${TO_ST[want.dtype]}; ` +
          'the file is corrupt or not a flowseg checkpoint for this model',
      );
    }
    if (got.shape.join(',') !== want.shape.join(',')) {
      throw new FlowsegInputError(`${source}: tensor '${name}' has shape [${got.shape}] but the model expects [${want.shape}]`);
    }
  }
}

/** Reads a whole safetensors file into TypedArrays (no engine needed), validating the header first. */
export function loadRawSafetensors(path: string, options: LoadOptions = {}): SafetensorsFile {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    throw new FlowsegInputError(`${path}: cannot open (does the file exist?)`);
  }
  try {
    const size = fstatSync(fd).size;
    const lenBuf = Buffer.alloc(8);
    if (size < 8 || readSync(fd, lenBuf, 0, 8, 0) !== 8) throw new FlowsegInputError(`${path}: not a safetensors file (too short)`);
    const headerLen = lenBuf.readBigUInt64LE();
    if (headerLen <= 0n || headerLen > BigInt(Math.min(MAX_HEADER_BYTES, size - 8))) {
      throw new FlowsegInputError(`${path}: corrupt safetensors header length ${headerLen} (file is ${size} bytes) — re-save the file`);
    }
    const headerBuf = Buffer.alloc(Number(headerLen));
    readSync(fd, headerBuf, 0, headerBuf.length, 8);
    let json: unknown;
    try {
      json = JSON.parse(headerBuf.toString('utf8'));
    } catch {
      throw new FlowsegInputError(`${path}: corrupt safetensors header (invalid JSON) — re-save the file`);
    }
    const base = 8 + headerBuf.length;
    const { metadata, entries } = parseHeader(path, json, size - base);
    if (options.expect) expectTensors(entries, options.expect, path);
    const out = new Map<string, RawTensor>();
    for (const [name, e] of entries) {
      const bytes = Buffer.alloc(e.end - e.start);
      readSync(fd, bytes, 0, bytes.length, base + e.start);
      const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
      const data =
        e.dtype === 'float32'
          ? new Float32Array(ab)
          : e.dtype === 'float64'
            ? new Float64Array(ab)
            : e.dtype === 'int64'
              ? new BigInt64Array(ab)
              : e.dtype === 'int32'
                ? new Int32Array(ab)
                : new Uint8Array(ab);
      out.set(name, { dtype: e.dtype, shape: e.shape, data });
    }
    return { metadata, tensors: out };
  } finally {
    closeSync(fd);
  }
}

/** Reads a safetensors file into engine tensors. */
export function loadSafetensors(path: string, options: LoadOptions = {}): { metadata: Record<string, string>; tensors: Map<string, Tensor> } {
  const file = loadRawSafetensors(path, options);
  const tensors = new Map<string, Tensor>();
  for (const [name, t] of file.tensors) tensors.set(name, tensor(t.data, t.shape, { dtype: t.dtype }));
  return { metadata: file.metadata, tensors };
}
