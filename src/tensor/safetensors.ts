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

/** Reads a whole safetensors file into TypedArrays (no engine needed). */
export function loadRawSafetensors(path: string): SafetensorsFile {
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
    const headerLen = Number(lenBuf.readBigUInt64LE());
    if (headerLen <= 0 || 8 + headerLen > size) throw new FlowsegInputError(`${path}: corrupt safetensors header length — re-save the file`);
    const headerBuf = Buffer.alloc(headerLen);
    readSync(fd, headerBuf, 0, headerLen, 8);
    let header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] } | Record<string, string>>;
    try {
      header = JSON.parse(headerBuf.toString('utf8'));
    } catch {
      throw new FlowsegInputError(`${path}: corrupt safetensors header (invalid JSON) — re-save the file`);
    }
    const base = 8 + headerLen;
    const out = new Map<string, RawTensor>();
    let metadata: Record<string, string> = {};
    for (const [name, entry] of Object.entries(header)) {
      if (name === '__metadata__') {
        metadata = entry as Record<string, string>;
        continue;
      }
      const e = entry as { dtype: string; shape: number[]; data_offsets: [number, number] };
      const dtype = FROM_ST[e.dtype];
      if (dtype === undefined) throw new FlowsegInputError(`${path}: tensor ${name} has unsupported dtype ${e.dtype}`);
      const [start, end] = e.data_offsets;
      if (base + end > size) throw new FlowsegInputError(`${path}: truncated (tensor ${name} runs past the end of the file)`);
      const bytes = Buffer.alloc(end - start);
      readSync(fd, bytes, 0, end - start, base + start);
      const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
      const data =
        dtype === 'float32' ? new Float32Array(ab)
        : dtype === 'float64' ? new Float64Array(ab)
        : dtype === 'int64' ? new BigInt64Array(ab)
        : dtype === 'int32' ? new Int32Array(ab)
        : new Uint8Array(ab);
      out.set(name, { dtype, shape: e.shape, data });
    }
    return { metadata, tensors: out };
  } finally {
    closeSync(fd);
  }
}

/** Reads a safetensors file into engine tensors. */
export function loadSafetensors(path: string): { metadata: Record<string, string>; tensors: Map<string, Tensor> } {
  const file = loadRawSafetensors(path);
  const tensors = new Map<string, Tensor>();
  for (const [name, t] of file.tensors) tensors.set(name, tensor(t.data, t.shape, { dtype: t.dtype }));
  return { metadata: file.metadata, tensors };
}
