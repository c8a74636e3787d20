import onnxProto from 'onnx-proto';
import type { onnx } from 'onnx-proto';

// onnx-proto is a protobufjs-generated CommonJS module: its namespace is the default export.
const proto = onnxProto.onnx;

/** TensorProto.DataType values used here. */
const FLOAT = 1;
const INT64 = 7;

/** ONNX opset of the exported graphs (ReduceMean's `axes` is still an attribute at 17). */
export const OPSET = 17;
/** IR version 8 is the one that goes with opset 17 (ONNX 1.12). */
const IR_VERSION = 8;

export type AttributeValue = number | number[] | string;
/** A dimension: a fixed size or a symbolic name (`B`, `n`). */
export type Dim = number | string;

/**
 * A tiny ONNX graph builder: nodes, initializers and typed inputs/outputs, serialized with
 * onnx-proto. Values are named by strings; every op returns its (fresh) output name.
 */
export class GraphBuilder {
  private readonly nodes: onnx.INodeProto[] = [];
  private readonly initializers: onnx.ITensorProto[] = [];
  private readonly inputs: onnx.IValueInfoProto[] = [];
  private readonly outputs: onnx.IValueInfoProto[] = [];
  private counter = 0;

  input(name: string, dims: Dim[]): string {
    this.inputs.push(valueInfo(name, dims));
    return name;
  }

  /** Marks `value` as a graph output named `name` (through Identity when the names differ). */
  output(value: string, name: string, dims: Dim[]): void {
    if (value !== name) this.nodes.push({ opType: 'Identity', input: [value], output: [name], name: `${name}_out` });
    this.outputs.push(valueInfo(name, dims));
  }

  /** A float32 initializer (weights); float64 values are narrowed. */
  floats(name: string, values: ArrayLike<number>, dims: number[]): string {
    const data = values instanceof Float32Array ? values : Float32Array.from(values);
    this.initializers.push({ name, dataType: FLOAT, dims, rawData: littleEndianBytes(data) });
    return name;
  }

  /** An int64 initializer (shapes, axes, slice bounds). */
  ints(values: number[], name = this.fresh('const')): string {
    const data = BigInt64Array.from(values, (v) => BigInt(v));
    this.initializers.push({ name, dataType: INT64, dims: [values.length], rawData: littleEndianBytes(data) });
    return name;
  }

  /** A float32 scalar initializer (Clip bounds). */
  scalar(value: number): string {
    const name = this.fresh('scalar');
    this.initializers.push({ name, dataType: FLOAT, dims: [], rawData: littleEndianBytes(Float32Array.of(value)) });
    return name;
  }

  /** Adds one node; returns its first output's name. */
  op(opType: string, inputs: string[], attributes: Record<string, AttributeValue> = {}, outputs = 1): string {
    const base = this.fresh(opType.toLowerCase());
    const out = Array.from({ length: outputs }, (_, i) => (i === 0 ? base : `${base}_${i}`));
    this.nodes.push({ opType, name: base, input: inputs, output: out, attribute: Object.entries(attributes).map(([k, v]) => attribute(k, v)) });
    return out[0] as string;
  }

  /** Serializes a ModelProto; `metadata` becomes `metadata_props`. */
  encode(graphName: string, metadata: Record<string, string>, producerVersion: string): Uint8Array {
    const model: onnx.IModelProto = {
      irVersion: IR_VERSION,
      producerName: 'flowseg',
      producerVersion,
      opsetImport: [{ domain: '', version: OPSET }],
      graph: { name: graphName, node: this.nodes, initializer: this.initializers, input: this.inputs, output: this.outputs },
      metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value })),
    };
    return proto.ModelProto.encode(proto.ModelProto.create(model)).finish();
  }

  private fresh(prefix: string): string {
    this.counter += 1;
    return `${prefix}_${this.counter}`;
  }
}

function valueInfo(name: string, dims: Dim[]): onnx.IValueInfoProto {
  const dim = dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return { name, type: { tensorType: { elemType: FLOAT, shape: { dim } } } };
}

function attribute(name: string, v: AttributeValue): onnx.IAttributeProto {
  // AttributeProto.AttributeType: FLOAT 1, INT 2, STRING 3, INTS 7.
  if (typeof v === 'string') return { name, type: 3, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: 7, ints: v };
  if (Number.isInteger(v)) return { name, type: 2, i: v };
  return { name, type: 1, f: v };
}

/** ONNX raw_data is little-endian; so are the typed arrays on every platform Node and browsers run on. */
function littleEndianBytes(a: Float32Array | BigInt64Array): Uint8Array {
  return new Uint8Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength));
}
