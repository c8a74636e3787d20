/** Reading numpy array payloads (any plain numeric dtype, either byte order) into JS arrays. */
import type { NdArray } from './values.js';

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export type NumericArray = Float64Array | Float32Array | Uint8Array | Int8Array | Int16Array | Uint16Array | Int32Array | Uint32Array;

const VIEWS: Record<string, new (b: ArrayBuffer, o: number, n: number) => NumericArray> = {
  f8: Float64Array,
  f4: Float32Array,
  u1: Uint8Array,
  b1: Uint8Array,
  i1: Int8Array,
  i2: Int16Array,
  u2: Uint16Array,
  i4: Int32Array,
  u4: Uint32Array,
};

/**
 * Element values in C order. The common case (native byte order, C order, aligned) is a
 * zero-copy typed-array view of the payload; anything else is converted to float64.
 */
export function ndValues(nd: NdArray): NumericArray {
  const dt = nd.dtype;
  const View = dt ? VIEWS[`${dt.kind}${dt.itemSize}`] : undefined;
  const count = nd.shape.reduce((a, b) => a * b, 1);
  const native = dt && (dt.itemSize === 1 || dt.byteOrder === '|' || dt.byteOrder === '=' || (dt.byteOrder === '<') === LITTLE_ENDIAN_HOST);
  if (dt && View && native && (!nd.fortranOrder || nd.shape.length < 2) && nd.data.length === count * dt.itemSize) {
    const d = nd.data;
    const aligned = d.byteOffset % dt.itemSize === 0 ? d : d.slice();
    return new View(aligned.buffer as ArrayBuffer, aligned.byteOffset, count);
  }
  return ndToFloat64(nd);
}

/** Element values in C (row-major) order as float64, whatever the stored dtype and order. */
export function ndToFloat64(nd: NdArray): Float64Array {
  const dt = nd.dtype;
  if (!dt) throw new Error('ndarray without dtype');
  const count = nd.shape.reduce((a, b) => a * b, 1);
  if (nd.data.length !== count * dt.itemSize) {
    throw new Error(`ndarray data holds ${nd.data.length} bytes, expected ${count * dt.itemSize} for shape [${nd.shape}]`);
  }
  const little = dt.byteOrder === '<' || dt.byteOrder === '|' || (dt.byteOrder === '=' && LITTLE_ENDIAN_HOST);
  const view = new DataView(nd.data.buffer, nd.data.byteOffset, nd.data.byteLength);
  const read = reader(dt.kind, dt.itemSize, view, little);
  const out = new Float64Array(count);
  if (!nd.fortranOrder || nd.shape.length < 2) {
    for (let i = 0; i < count; i++) out[i] = read(i * dt.itemSize);
    return out;
  }
  // Fortran order: the first index varies fastest in storage; walk C order and map back.
  const strides: number[] = [];
  let st = 1;
  for (const d of nd.shape) {
    strides.push(st);
    st *= d;
  }
  const idx = new Array<number>(nd.shape.length).fill(0);
  for (let i = 0; i < count; i++) {
    let f = 0;
    for (let k = 0; k < idx.length; k++) f += idx[k] * strides[k];
    out[i] = read(f * dt.itemSize);
    for (let k = idx.length - 1; k >= 0; k--) {
      if (++idx[k] < nd.shape[k]) break;
      idx[k] = 0;
    }
  }
  return out;
}

function reader(kind: string, size: number, v: DataView, le: boolean): (o: number) => number {
  const key = `${kind}${size}`;
  switch (key) {
    case 'f8':
      return (o) => v.getFloat64(o, le);
    case 'f4':
      return (o) => v.getFloat32(o, le);
    case 'u1':
    case 'b1':
      return (o) => v.getUint8(o);
    case 'i1':
      return (o) => v.getInt8(o);
    case 'u2':
      return (o) => v.getUint16(o, le);
    case 'i2':
      return (o) => v.getInt16(o, le);
    case 'u4':
      return (o) => v.getUint32(o, le);
    case 'i4':
      return (o) => v.getInt32(o, le);
    case 'u8':
      return (o) => Number(v.getBigUint64(o, le));
    case 'i8':
      return (o) => Number(v.getBigInt64(o, le));
    default:
      throw new Error(`numpy dtype '${key}' is not supported (use float or integer arrays)`);
  }
}
