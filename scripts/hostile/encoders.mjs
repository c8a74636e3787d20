// Byte-level writers for the hostile-input corpus: each builds a small file that lies in one
// precise way (a header claiming 60000×60000, a deflate stream that inflates a thousandfold,
// a pickle whose memo references explode). Plain Node, no dependencies beyond flowseg's own.
import { constants, deflateRawSync, deflateSync } from 'node:zlib';

// ---------------------------------------------------------------- checksums
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
export function crc32(buf, crc = 0) {
  let c = ~crc >>> 0;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}
const u32be = (n) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};
const u32le = (n) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
};
const u16le = (n) => {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  return b;
};

// ---------------------------------------------------------------- deflate bombs
/**
 * A raw deflate stream that inflates to `outBytes` zeros from about outBytes/1000 bytes:
 * one sync-flushed block of 1 MiB zeros repeated (blocks of one stream may follow each other),
 * closed by an empty final block. `prefix` bytes (a header) come first, stored compressed.
 */
export function deflateBomb(outBytes, prefix = Buffer.alloc(0)) {
  const unit = 1 << 20;
  const block = deflateRawSync(Buffer.alloc(unit), { level: 9, finishFlush: constants.Z_SYNC_FLUSH });
  const head = prefix.length > 0 ? [deflateRawSync(prefix, { finishFlush: constants.Z_SYNC_FLUSH })] : [];
  return Buffer.concat([...head, ...Array(Math.ceil(outBytes / unit)).fill(block), Buffer.from([0x03, 0x00])]);
}
/** zlib framing around a raw deflate stream (checksum left 0: a bomb never gets that far). */
export const zlibWrap = (raw) => Buffer.concat([Buffer.from([0x78, 0x9c]), raw, Buffer.alloc(4)]);
/** gzip framing around a raw deflate stream. */
export const gzipWrap = (raw) => Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]), raw, Buffer.alloc(8)]);

// ---------------------------------------------------------------- PNG
function chunk(type, data) {
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  return Buffer.concat([u32be(data.length), td, u32be(crc32(td))]);
}
/** A PNG with any IHDR and any IDAT payload (already zlib-framed). colorType 0 = gray. */
export function png({ width, height, depth = 8, colorType = 0, interlace = 0, idat }) {
  const ihdr = Buffer.concat([u32be(width), u32be(height), Buffer.from([depth, colorType, 0, 0, interlace])]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', idat),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
/** A valid 8-bit gray PNG of the given pixels (row-major, filter 0). */
export function grayPng(width, height, pixel = () => 0) {
  const raw = Buffer.alloc(height * (width + 1));
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) raw[y * (width + 1) + 1 + x] = pixel(x, y);
  return png({ width, height, idat: deflateSync(raw) });
}

// ---------------------------------------------------------------- JPEG, GIF, TIFF, PNM
/** JPEG markers up to a baseline SOF0 claiming width × height (no scan data: a decoder must not get that far). */
export function jpegHeader(width, height) {
  const sof = Buffer.from([0xff, 0xc0, 0, 11, 8, height >> 8, height & 0xff, width >> 8, width & 0xff, 1, 1, 0x11, 0]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), sof, Buffer.from([0xff, 0xd9])]);
}
/** A GIF with a logical screen of w × h and one frame of fw × fh (1 pixel of LZW data). */
export function gif(w, h, fw = 1, fh = 1) {
  return Buffer.concat([
    Buffer.from('GIF89a', 'latin1'),
    u16le(w),
    u16le(h),
    Buffer.from([0x80, 0, 0, 0, 0, 0, 255, 255, 255]),
    Buffer.from([0x2c]),
    u16le(0),
    u16le(0),
    u16le(fw),
    u16le(fh),
    Buffer.from([0]),
    Buffer.from([0x02, 0x02, 0x44, 0x01, 0x00, 0x3b]),
  ]);
}
/** A little-endian baseline TIFF, 8-bit gray, one strip; width/height tags may lie. */
export function tiff(width, height, pixels = Buffer.alloc(width * height)) {
  const tags = [
    [256, 4, width],
    [257, 4, height],
    [258, 3, 8],
    [259, 3, 1],
    [262, 3, 1],
    [273, 4, 0],
    [277, 3, 1],
    [278, 4, height],
    [279, 4, pixels.length],
  ];
  const ifdSize = 2 + tags.length * 12 + 4;
  const dataAt = 8 + ifdSize;
  const ifd = Buffer.alloc(ifdSize);
  ifd.writeUInt16LE(tags.length, 0);
  tags.forEach(([tag, type, value], i) => {
    const p = 2 + 12 * i;
    ifd.writeUInt16LE(tag, p);
    ifd.writeUInt16LE(type, p + 2);
    ifd.writeUInt32LE(1, p + 4);
    const v = tag === 273 ? dataAt : value;
    if (type === 3) ifd.writeUInt16LE(v, p + 8);
    else ifd.writeUInt32LE(v >>> 0, p + 8);
  });
  return Buffer.concat([Buffer.from('II*\0', 'latin1'), u32le(8), ifd, pixels]);
}
export const pgm = (w, h, body = Buffer.alloc(0), magic = 'P5') => Buffer.concat([Buffer.from(`${magic}\n${w} ${h}\n255\n`, 'latin1'), body]);

// ---------------------------------------------------------------- NIfTI-1
/** A single-file NIfTI-1 header (352 bytes incl. the extension flag) with every field overridable. */
export function niftiHeader({ dim = [3, 4, 4, 1, 1, 1, 1, 1], datatype = 2, bitpix = 8, voxOffset = 352, magic = 'n+1', slope = 1 } = {}) {
  const h = Buffer.alloc(352);
  h.writeInt32LE(348, 0);
  for (const [i, d] of dim.entries()) h.writeInt16LE(d, 40 + 2 * i);
  h.writeInt16LE(datatype, 70);
  h.writeInt16LE(bitpix, 72);
  h.writeFloatLE(voxOffset, 108);
  h.writeFloatLE(slope, 112);
  h.write(`${magic}\0`, 344, 'latin1');
  return h;
}
/** A NIfTI-2 header (544 bytes) whose dims are 64-bit. */
export function nifti2Header({ dim = [3, 4, 4, 1, 1, 1, 1, 1], datatype = 2, bitpix = 8, voxOffset = 544n } = {}) {
  const h = Buffer.alloc(544);
  h.writeInt32LE(540, 0);
  h.write('n+2\0\r\n\x1a\n', 4, 'latin1');
  h.writeInt16LE(datatype, 12);
  h.writeInt16LE(bitpix, 14);
  for (const [i, d] of dim.entries()) h.writeBigInt64LE(BigInt(d), 16 + 8 * i);
  h.writeBigInt64LE(voxOffset, 168);
  h.writeDoubleLE(1, 176);
  return h;
}

// ---------------------------------------------------------------- npy / zip (npz)
export function npy(descr, shapeText, data = Buffer.alloc(0), { version = 1, fortran = 'False', headerLength } = {}) {
  let dict = `{'descr': '${descr}', 'fortran_order': ${fortran}, 'shape': ${shapeText}, }`;
  const pre = version === 1 ? 10 : 12;
  dict += `${' '.repeat((64 - ((pre + dict.length + 1) % 64)) % 64)}\n`;
  const head = Buffer.alloc(pre);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]).copy(head);
  if (version === 1) head.writeUInt16LE(headerLength ?? dict.length, 8);
  else head.writeUInt32LE(headerLength ?? dict.length, 8);
  return Buffer.concat([head, Buffer.from(dict, 'latin1'), data]);
}
/**
 * A zip of members { name, data, method (0 stored, 8 = data is raw deflate), size (declared
 * uncompressed size; defaults to data.length for stored), flags }. Sizes may lie on purpose.
 */
export function zip(members, { cdOffsetDelta = 0 } = {}) {
  const locals = [];
  const central = [];
  let offset = 0;
  for (const m of members) {
    const name = Buffer.from(m.name);
    const method = m.method ?? 0;
    const size = m.size ?? m.data.length;
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(20, 4);
    lh.writeUInt16LE(m.flags ?? 0, 6);
    lh.writeUInt16LE(method, 8);
    lh.writeUInt32LE(0, 14);
    lh.writeUInt32LE(m.data.length, 18);
    lh.writeUInt32LE(Math.min(size, 0xffffffff), 22);
    lh.writeUInt16LE(name.length, 26);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(20, 4);
    cd.writeUInt16LE(20, 6);
    cd.writeUInt16LE(m.flags ?? 0, 8);
    cd.writeUInt16LE(method, 10);
    cd.writeUInt32LE(m.data.length, 20);
    cd.writeUInt32LE(Math.min(size, 0xffffffff), 24);
    cd.writeUInt16LE(name.length, 28);
    cd.writeUInt32LE(offset, 42);
    locals.push(lh, name, m.data);
    central.push(cd, name);
    offset += 30 + name.length + m.data.length;
  }
  const cdBytes = Buffer.concat(central);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(members.length, 8);
  eocd.writeUInt16LE(members.length, 10);
  eocd.writeUInt32LE(cdBytes.length, 12);
  eocd.writeUInt32LE(offset + cdOffsetDelta, 16);
  return Buffer.concat([...locals, cdBytes, eocd]);
}

// ---------------------------------------------------------------- pickle
/** Pickle opcodes used by the corpus (names as in CPython's pickle.py). */
export const P = {
  PROTO: 0x80,
  STOP: 0x2e,
  MARK: 0x28,
  EMPTY_DICT: 0x7d,
  EMPTY_LIST: 0x5d,
  EMPTY_TUPLE: 0x29,
  APPEND: 0x61,
  APPENDS: 0x65,
  SETITEM: 0x73,
  SETITEMS: 0x75,
  BINPUT: 0x71,
  LONG_BINPUT: 0x72,
  BINGET: 0x68,
  LONG_BINGET: 0x6a,
  BININT: 0x4a,
  BININT1: 0x4b,
  BINBYTES: 0x42,
  BINBYTES8: 0x8e,
  LONG4: 0x8b,
  GLOBAL: 0x63,
  STACK_GLOBAL: 0x93,
  REDUCE: 0x52,
  TUPLE: 0x74,
  TUPLE1: 0x85,
  TUPLE2: 0x86,
  TUPLE3: 0x87,
  NEWFALSE: 0x89,
  BUILD: 0x62,
  EMPTY_SET: 0x8f,
  ADDITEMS: 0x90,
  NONE: 0x4e,
  BINUNICODE8: 0x8d,
  SHORT_BINUNICODE: 0x8c,
  BINUNICODE: 0x58,
  POP: 0x30,
  LIST: 0x6c,
};
/** An append-only pickle byte writer with helpers for the data_lidc.pickle layout. */
export class PickleWriter {
  constructor() {
    this.parts = [];
  }
  op(...bytes) {
    this.parts.push(Buffer.from(bytes));
    return this;
  }
  raw(buf) {
    this.parts.push(Buffer.from(buf));
    return this;
  }
  u32(n) {
    return this.raw(u32le(n));
  }
  i32(n) {
    const b = Buffer.alloc(4);
    b.writeInt32LE(n);
    return this.raw(b);
  }
  u64(n) {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(n));
    return this.raw(b);
  }
  str(s) {
    const b = Buffer.from(s, 'utf8');
    return b.length < 256 ? this.op(P.SHORT_BINUNICODE, b.length).raw(b) : this.op(P.BINUNICODE).u32(b.length).raw(b);
  }
  int(n) {
    return n < 256 && n >= 0 ? this.op(P.BININT1, n) : this.op(P.BININT).i32(n);
  }
  bytes(b) {
    return this.op(P.BINBYTES).u32(b.length).raw(b);
  }
  global(module, name) {
    return this.op(P.GLOBAL).raw(Buffer.from(`${module}\n${name}\n`, 'latin1'));
  }
  put(slot) {
    return slot < 256 ? this.op(P.BINPUT, slot) : this.op(P.LONG_BINPUT).u32(slot);
  }
  get(slot) {
    return slot < 256 ? this.op(P.BINGET, slot) : this.op(P.LONG_BINGET).u32(slot);
  }
  /** A numpy array as numpy pickles it: _reconstruct(ndarray, (0,), b'b') then BUILD (1, shape, dtype, False, data). */
  ndarray(shape, dtypeSpec, data) {
    this.global('numpy.core.multiarray', '_reconstruct')
      .global('numpy', 'ndarray')
      .int(0)
      .op(P.TUPLE1)
      .raw(Buffer.from([0x43, 1, 0x62]))
      .op(P.TUPLE3)
      .op(P.REDUCE);
    this.op(P.MARK).int(1).op(P.MARK);
    for (const d of shape) this.int(d);
    this.op(P.TUPLE);
    this.global('numpy', 'dtype').str(dtypeSpec).op(P.NEWFALSE, 0x88).op(P.TUPLE3).op(P.REDUCE);
    return this.op(P.NEWFALSE).bytes(data).op(P.TUPLE).op(P.BUILD);
  }
  toBuffer() {
    return Buffer.concat(this.parts);
  }
}
/** `{key: {'image': f8 [h,w], 'masks': [u1 [h,w] × raters], 'series_uid': 'p'}}` opened, for entries to follow. */
export function lidcPickle(entries, { proto = 3 } = {}) {
  const w = new PickleWriter().op(P.PROTO, proto).op(P.EMPTY_DICT).op(P.MARK);
  for (const e of entries) e(w);
  return w.op(P.SETITEMS).op(P.STOP).toBuffer();
}
/** One well-formed entry of h × w with `raters` masks; `masks(p)` replaces the mask list, `extra(p)` adds a key 'extra'. */
export function lidcEntry(key, { h = 4, w = 4, raters = 4, masks, extra } = {}) {
  return (p) => {
    p.str(key).op(P.EMPTY_DICT).op(P.MARK);
    p.str('image').ndarray([h, w], '<f8', Buffer.alloc(8 * h * w));
    p.str('masks');
    if (masks) masks(p);
    else {
      p.op(P.EMPTY_LIST).op(P.MARK);
      for (let r = 0; r < raters; r++) p.ndarray([h, w], '|u1', Buffer.alloc(h * w));
      p.op(P.APPENDS);
    }
    p.str('series_uid').str('1.2.3');
    if (extra) extra(p.str('extra'));
    p.op(P.SETITEMS);
  };
}

// ---------------------------------------------------------------- safetensors, tar
export function safetensors(header, dataBytes = 16) {
  const json = Buffer.from(typeof header === 'string' ? header : JSON.stringify(header));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([len, json, Buffer.alloc(dataBytes)]);
}
/** A ustar archive of [name, bytes, declaredSize?] entries. */
export function tar(entries) {
  const blocks = [];
  for (const [name, data, declared = data.length] of entries) {
    const h = Buffer.alloc(512);
    h.write(name, 0, 100, 'utf8');
    h.write('0000644\0', 100);
    h.write('0000000\0', 108);
    h.write('0000000\0', 116);
    h.write(`${declared.toString(8).padStart(11, '0')}\0`, 124);
    h.write('00000000000\0', 136);
    h.write('        ', 148);
    h.write('0', 156);
    h.write('ustar\0' + '00', 257, 'latin1');
    let sum = 0;
    for (const b of h) sum += b;
    h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    blocks.push(h, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  return Buffer.concat([...blocks, Buffer.alloc(1024)]);
}
