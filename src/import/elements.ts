import type { TorchDType } from './torchPickle.js';

/** IEEE half (binary16) bits → number. */
function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** The first `n` little-endian elements of a torch storage, widened to float64. */
export function decodeElements(bytes: Uint8Array, dtype: TorchDType, n: number): Float64Array {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float64Array(n);
  const bf16 = new DataView(new ArrayBuffer(4));
  for (let i = 0; i < n; i++) {
    switch (dtype) {
      case 'f8':
        out[i] = v.getFloat64(8 * i, true);
        break;
      case 'f4':
        out[i] = v.getFloat32(4 * i, true);
        break;
      case 'f2':
        out[i] = halfToNumber(v.getUint16(2 * i, true));
        break;
      case 'bf16':
        // bfloat16 is the upper half of a float32
        bf16.setUint32(0, v.getUint16(2 * i, true) << 16, true);
        out[i] = bf16.getFloat32(0, true);
        break;
      case 'i8':
        out[i] = Number(v.getBigInt64(8 * i, true));
        break;
      case 'i4':
        out[i] = v.getInt32(4 * i, true);
        break;
      case 'i2':
        out[i] = v.getInt16(2 * i, true);
        break;
      case 'i1':
        out[i] = v.getInt8(i);
        break;
      default: // u1, b1
        out[i] = v.getUint8(i);
    }
  }
  return out;
}
