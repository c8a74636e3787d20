import { FlowsegInputError } from '../util/errors.js';

// `metadata_props` of a serialized ONNX model, read straight from the protobuf wire format
// (https://protobuf.dev/programming-guides/encoding/). Decoding the whole ModelProto with
// onnx-proto walks every node and initializer of the graph, and loading protobufjs alone costs
// ~70 ms of CPU at start-up (and ~100 kB in a browser bundle); this reads the top level only and
// skips the graph by its length. No dependencies: flowseg/web and the CLI use it.

/** ModelProto field numbers (onnx.proto3). */
const METADATA_PROPS = 14;
/** StringStringEntryProto: key = 1, value = 2. */
const KEY = 1;
const VALUE = 2;

const WIRE_VARINT = 0;
const WIRE_I64 = 1;
const WIRE_LEN = 2;
const WIRE_I32 = 5;

class Reader {
  pos: number;
  constructor(
    readonly bytes: Uint8Array,
    start: number,
    readonly end: number,
  ) {
    this.pos = start;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** A varint as a number; values above 2^53 (never lengths or field tags) lose precision, which skipping tolerates. */
  varint(): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new Error('truncated varint');
      const b = this.bytes[this.pos++] as number;
      value += (b & 0x7f) * scale;
      if (b < 0x80) return value;
      scale *= 128;
    }
    throw new Error('varint longer than 10 bytes');
  }

  /** The [start, end) of a length-delimited field's payload, moving past it. */
  span(): [number, number] {
    const length = this.varint();
    const start = this.pos;
    if (length > this.end - start) throw new Error(`a field of ${length} bytes runs past the end`);
    this.pos = start + length;
    return [start, this.pos];
  }

  skip(wire: number): void {
    if (wire === WIRE_VARINT) this.varint();
    else if (wire === WIRE_LEN) this.span();
    else if (wire === WIRE_I64 || wire === WIRE_I32) {
      const size = wire === WIRE_I64 ? 8 : 4;
      if (size > this.end - this.pos) throw new Error('truncated fixed-size field');
      this.pos += size;
    } else throw new Error(`invalid wire type ${wire}`);
  }
}

const utf8 = new TextDecoder();

/** One StringStringEntryProto. */
function entry(bytes: Uint8Array, [start, end]: [number, number]): [string, string] {
  const r = new Reader(bytes, start, end);
  let key = '';
  let value = '';
  while (!r.done) {
    const tag = r.varint();
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    if (wire === WIRE_LEN && (field === KEY || field === VALUE)) {
      const [s, e] = r.span();
      const text = utf8.decode(bytes.subarray(s, e));
      if (field === KEY) key = text;
      else value = text;
    } else r.skip(wire);
  }
  return [key, value];
}

/** Reads `metadata_props` of a serialized model; bytes that are no ONNX model are a one-line input error naming `source`. */
export function readOnnxMetadata(bytes: Uint8Array, source = 'model'): Record<string, string> {
  const props: Record<string, string> = {};
  try {
    const r = new Reader(bytes, 0, bytes.length);
    while (!r.done) {
      const tag = r.varint();
      const field = Math.floor(tag / 8);
      const wire = tag % 8;
      if (field === 0) throw new Error('field number 0');
      if (field === METADATA_PROPS && wire === WIRE_LEN) {
        const [key, value] = entry(bytes, r.span());
        props[key] = value; // a repeated key: the last one wins, as protobuf maps do
      } else r.skip(wire);
    }
  } catch (err) {
    throw new FlowsegInputError(`${source}: not an ONNX model (${(err as Error).message}); write one with \`flowseg export\``);
  }
  return props;
}
