/**
 * The `.npy` array format (numpy's NEP 1): magic `\x93NUMPY`, version major/minor, a header
 * length (uint16 in v1, uint32 in v2/v3), then a Python dict literal
 * `{'descr': '<f4', 'fortran_order': False, 'shape': (N, H, W), }` padded to 64 bytes, then
 * the raw C-order elements. Parsed by hand: the format is small and fixed.
 */

export interface NpyDtype {
  /** numpy's descr string, e.g. `<f4`, `|u1`, `<U12`. */
  descr: string;
  kind: 'f' | 'i' | 'u' | 'b' | 'U' | 'S';
  /** Bytes per element. */
  size: number;
  littleEndian: boolean;
}

export interface NpyHeader {
  dtype: NpyDtype;
  shape: number[];
  /** Offset of the first element from the start of the .npy bytes. */
  dataOffset: number;
}

/** Thrown for malformed headers; callers prefix the file name and turn it into a FlowsegInputError. */
export class NpyFormatError extends Error {}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

const MAX_HEADER_BYTES = 1 << 20;

/** Longest fixed-width string element (`<U…`, `|S…`) accepted for id arrays. */
const MAX_STRING_BYTES = 4096;

/** Bytes needed to know the header length: magic (6) + version (2) + length field (≤ 4). */
export const NPY_PREAMBLE = 12;

/** Header length in bytes (everything before the data), from the first `NPY_PREAMBLE` bytes. */
export function npyHeaderLength(pre: Uint8Array): number {
  if (pre.length < 10 || MAGIC.some((m, i) => pre[i] !== m)) throw new NpyFormatError('not a .npy array (bad magic)');
  const major = pre[6];
  const view = new DataView(pre.buffer, pre.byteOffset, pre.byteLength);
  if (major === 1) return 10 + view.getUint16(8, true);
  if (major === 2 || major === 3) {
    if (pre.length < 12) throw new NpyFormatError('truncated header');
    const len = view.getUint32(8, true);
    // numpy itself refuses headers over 10,000 bytes by default (max_header_size).
    if (len > MAX_HEADER_BYTES) throw new NpyFormatError(`header claims ${len} bytes; a .npy header is a short dict (≤ ${MAX_HEADER_BYTES} bytes)`);
    return 12 + len;
  }
  throw new NpyFormatError(`unsupported .npy version ${major}.${pre[7]}`);
}

/** Parses the complete header (`npyHeaderLength` bytes). */
export function parseNpyHeader(head: Uint8Array): NpyHeader {
  const dataOffset = npyHeaderLength(head);
  if (head.length < dataOffset) throw new NpyFormatError('truncated header');
  const start = head[6] === 1 ? 10 : 12;
  // v3 headers are UTF-8 (v1/v2 latin-1); the keys we read are ASCII either way.
  const text = new TextDecoder(head[6] === 3 ? 'utf-8' : 'latin1').decode(head.subarray(start, dataOffset));
  const descr = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(text)?.[1];
  if (descr === undefined) {
    throw new NpyFormatError(
      /['"]descr['"]\s*:\s*\[/.test(text) ? 'structured dtype (record array) is not supported; save a plain numeric array' : 'header has no descr',
    );
  }
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(text)?.[1];
  if (fortran === undefined) throw new NpyFormatError('header has no fortran_order');
  if (fortran === 'True') {
    throw new NpyFormatError('array is Fortran-ordered; save it with np.save(f, np.ascontiguousarray(a))');
  }
  const shapeText = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (shapeText === undefined) throw new NpyFormatError('header has no shape');
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => {
      const v = Number(s.replace(/L$/, '')); // Python 2 wrote longs as `3L`
      if (!Number.isSafeInteger(v) || v < 0) throw new NpyFormatError(`bad shape entry "${s}"`);
      return v;
    });
  return { dtype: parseDtype(descr), shape, dataOffset };
}

export function parseDtype(descr: string): NpyDtype {
  if (/^[<>|=]O\d*$/.test(descr)) {
    throw new NpyFormatError('dtype object (pickled Python objects) is refused; save numbers, or strings via .astype(str)');
  }
  const m = /^([<>|=])([fiubUS])(\d+)$/.exec(descr);
  if (!m) throw new NpyFormatError(`dtype ${descr} is not supported; use float32/float64/int/uint8/bool`);
  const [, order, kind, n] = m;
  const count = Number(n);
  const size = kind === 'U' ? 4 * count : count;
  if (size > MAX_STRING_BYTES)
    throw new NpyFormatError(`dtype ${descr} holds ${size} bytes per element; ids longer than ${MAX_STRING_BYTES} bytes are refused`);
  const numeric: Record<string, number[]> = { f: [2, 4, 8], i: [1, 2, 4, 8], u: [1, 2, 4, 8], b: [1] };
  if (kind in numeric && !numeric[kind].includes(size)) throw new NpyFormatError(`dtype ${descr} is not supported`);
  return { descr, kind: kind as NpyDtype['kind'], size, littleEndian: order !== '>' };
}

/** Reads element `i` of a numeric array whose bytes are `view`. */
export function elementReader(d: NpyDtype, view: DataView): (i: number) => number {
  const le = d.littleEndian;
  switch (`${d.kind}${d.size}`) {
    case 'f2':
      return (i) => halfToFloat(view.getUint16(2 * i, le));
    case 'f4':
      return (i) => view.getFloat32(4 * i, le);
    case 'f8':
      return (i) => view.getFloat64(8 * i, le);
    case 'i1':
      return (i) => view.getInt8(i);
    case 'i2':
      return (i) => view.getInt16(2 * i, le);
    case 'i4':
      return (i) => view.getInt32(4 * i, le);
    case 'i8':
      return (i) => Number(view.getBigInt64(8 * i, le));
    case 'u1':
    case 'b1':
      return (i) => view.getUint8(i);
    case 'u2':
      return (i) => view.getUint16(2 * i, le);
    case 'u4':
      return (i) => view.getUint32(4 * i, le);
    case 'u8':
      return (i) => Number(view.getBigUint64(8 * i, le));
    default:
      throw new NpyFormatError(`dtype ${d.descr} is not numeric`);
  }
}

/** Strings of a 1-D `U`/`S` array, or numbers printed, for the optional id arrays. */
export function decodeStrings(d: NpyDtype, bytes: Uint8Array, count: number): string[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    if (d.kind === 'U') {
      let s = '';
      for (let k = 0; k < d.size / 4; k++) {
        const cp = view.getUint32(i * d.size + 4 * k, d.littleEndian);
        if (cp === 0) break; // numpy pads fixed-width strings with NULs
        s += String.fromCodePoint(cp);
      }
      out.push(s);
    } else if (d.kind === 'S') {
      const b = bytes.subarray(i * d.size, (i + 1) * d.size);
      const end = b.indexOf(0);
      out.push(new TextDecoder().decode(end < 0 ? b : b.subarray(0, end)));
    } else {
      out.push(String(elementReader(d, view)(i)));
    }
  }
  return out;
}

/** Writes a v1 .npy (tests, and tools that export prepared sets to numpy). */
export function encodeNpy(descr: string, shape: readonly number[], data: Uint8Array): Uint8Array {
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${dims}), }`;
  const pad = 64 - ((10 + dict.length + 1) % 64);
  dict = `${dict}${' '.repeat(pad % 64)}\n`;
  const out = new Uint8Array(10 + dict.length + data.length);
  out.set(MAGIC);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, dict.length, true);
  for (let i = 0; i < dict.length; i++) out[10 + i] = dict.charCodeAt(i);
  out.set(data, 10 + dict.length);
  return out;
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? Number.NaN : s * Number.POSITIVE_INFINITY;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}
