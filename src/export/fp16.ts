import onnxProto from 'onnx-proto';
import type { onnx } from 'onnx-proto';
import { FlowsegInputError } from '../util/errors.js';

const proto = onnxProto.onnx;

/** TensorProto.DataType values. */
const FLOAT = 1;
const FLOAT16 = 10;
const HALF_MAX = 65504;

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** float32 → IEEE 754 binary16 bits, rounded to nearest even (as numpy's `astype(float16)`); overflow → ±Inf. */
export function float16Bits(x: number): number {
  f32[0] = x;
  const u = u32[0] as number;
  const sign = (u >>> 16) & 0x8000;
  const exp = (u >>> 23) & 0xff;
  const mant = u & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant !== 0 ? 0x200 : 0); // Inf, NaN
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // a subnormal half h·2⁻²⁴: h = (1.m)·2^(e−14) in units of the last place
    if (e < -10) return sign;
    const full = mant | 0x800000;
    const shift = 14 - e;
    const half = full >>> shift;
    const rest = full & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    return sign | (rest > mid || (rest === mid && (half & 1) === 1) ? half + 1 : half);
  }
  const half = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  return sign | (rest > 0x1000 || (rest === 0x1000 && (half & 1) === 1) ? half + 1 : half); // a carry rounds up into the exponent, as it should
}

/** binary16 bits → the number. */
export function float16Value(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/**
 * A serialized model with its float32 weights stored as float16 (half the file): each weight
 * initializer becomes `<name>.fp16` (float16) and a Cast node at the top of the graph turns
 * it back into `<name>` (float32). Inputs, outputs and all arithmetic stay float32 — onnxruntime
 * folds the Casts into float32 constants when the session loads, on every execution provider —
 * so only the rounding of the weights changes the result. Scalars (Clip bounds) and any tensor
 * with a value beyond float16's range stay float32. Adds metadata `flowseg.weights = float16`.
 */
export function weightsToFloat16(bytes: Uint8Array, source = 'model'): Uint8Array {
  const model = proto.ModelProto.decode(bytes);
  const graph = model.graph;
  if (!graph) throw new FlowsegInputError(`${source}: an ONNX model without a graph`);
  if (model.metadataProps.some((p) => p.key === 'flowseg.weights' && p.value === 'float16')) return bytes; // already float16
  const casts: InstanceType<typeof proto.NodeProto>[] = [];
  for (const init of graph.initializer ?? []) {
    if (init.dataType !== FLOAT || !init.dims || init.dims.length === 0) continue;
    const values = floatValues(init);
    if (values.some((v) => Number.isFinite(v) && Math.abs(v) > HALF_MAX)) continue; // would become Inf
    const half = Uint16Array.from(values, float16Bits);
    const name = init.name ?? '';
    init.name = `${name}.fp16`;
    init.dataType = FLOAT16;
    init.floatData = [];
    init.rawData = new Uint8Array(half.buffer); // little-endian, as ONNX raw_data
    casts.push(
      proto.NodeProto.create({ opType: 'Cast', name: `${name}.cast`, input: [`${name}.fp16`], output: [name], attribute: [{ name: 'to', type: 2, i: FLOAT }] }),
    );
  }
  graph.node = [...casts, ...(graph.node ?? [])]; // depend on initializers only: the graph stays topologically sorted
  model.metadataProps = [
    ...model.metadataProps.filter((p) => p.key !== 'flowseg.weights'),
    proto.StringStringEntryProto.create({ key: 'flowseg.weights', value: 'float16' }),
  ];
  return proto.ModelProto.encode(model).finish();
}

function floatValues(init: onnx.ITensorProto): Float32Array {
  if (init.rawData && init.rawData.length > 0) {
    const raw = Uint8Array.from(init.rawData); // aligned copy
    return new Float32Array(raw.buffer, 0, raw.length / 4);
  }
  return Float32Array.from(init.floatData ?? []);
}
