import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { FlowsegInputError } from '../../util/errors.js';
import { limit, raiseHint } from '../../util/limits.js';

/**
 * Sequential reader over a file of any size: keeps one sliding window in memory and refills
 * it with positioned `readSync` calls, so a 3.4 GB pickle never has to fit in one Buffer
 * (Node caps those near 2 GiB). Synchronous on purpose: the unpickler pulls a few bytes per
 * opcode and an `await` per opcode would dominate.
 */
export class ByteSource {
  private fd: number;
  private buf: Buffer;
  private pos = 0; // read cursor inside buf
  private end = 0; // valid bytes in buf
  private bufFileOffset = 0; // file offset of buf[0]
  readonly size: number;
  /** Largest single operand: a float64 image at the pixel limit, twice over for latin-1-as-UTF-8 text (protocol 2). */
  private readonly maxOperand = 16 * limit('maxPixels') + (1 << 20);

  constructor(
    readonly path: string,
    chunkBytes = 8 << 20,
  ) {
    this.fd = openSync(path, 'r');
    this.size = fstatSync(this.fd).size;
    this.buf = Buffer.allocUnsafe(chunkBytes);
  }

  /** Absolute file offset of the next byte to be read. */
  get offset(): number {
    return this.bufFileOffset + this.pos;
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }

  /**
   * Makes at least n bytes available at `pos`, or throws a truncation error. A length read
   * from the file is checked against what the file still holds BEFORE anything is allocated.
   */
  private need(n: number): void {
    if (this.end - this.pos >= n) return;
    const left = this.size - this.offset;
    if (!(Number.isSafeInteger(n) && n >= 0) || n > left) {
      throw new FlowsegInputError(
        `${this.path} is truncated or corrupt: an operand at offset ${this.offset} claims ${n} byte(s) but only ${left} remain; ` +
          'copy or download the file again (or re-save it with pickle)',
      );
    }
    if (n > this.maxOperand) {
      throw new FlowsegInputError(
        `${this.path}: one value at offset ${this.offset} is ${n} bytes, more than an image at the pixel limit needs; ` + `${raiseHint('maxPixels')}`,
      );
    }
    const keep = this.end - this.pos;
    if (n > this.buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(n, this.buf.length * 2));
      this.buf.copy(bigger, 0, this.pos, this.end);
      this.buf = bigger;
    } else {
      this.buf.copy(this.buf, 0, this.pos, this.end);
    }
    this.bufFileOffset += this.pos;
    this.pos = 0;
    this.end = keep;
    while (this.end < n) {
      const got = readSync(this.fd, this.buf, this.end, this.buf.length - this.end, this.bufFileOffset + this.end);
      if (got === 0) {
        throw new FlowsegInputError(
          `${this.path} is truncated: needed ${n - this.end} more byte(s) at offset ${this.bufFileOffset + this.end} ` +
            `of ${this.size}; the pickle ends before its STOP opcode — copy or download the file again`,
        );
      }
      this.end += got;
    }
  }

  u8(): number {
    this.need(1);
    return this.buf[this.pos++];
  }

  u16(): number {
    this.need(2);
    const v = this.buf.readUInt16LE(this.pos);
    this.pos += 2;
    return v;
  }

  i32(): number {
    this.need(4);
    const v = this.buf.readInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  /** 8-byte little-endian length; refuses values a JS number cannot hold exactly. */
  u64(): number {
    this.need(8);
    const v = this.buf.readBigUInt64LE(this.pos);
    this.pos += 8;
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new FlowsegInputError(`${this.path}: 8-byte length ${v} at offset ${this.offset - 8} is impossibly large — the file is corrupt`);
    }
    return Number(v);
  }

  /** BINFLOAT is big-endian (pickle's one big-endian field). */
  f64be(): number {
    this.need(8);
    const v = this.buf.readDoubleBE(this.pos);
    this.pos += 8;
    return v;
  }

  /** A fresh copy of the next n bytes (the window is reused, so views would go stale). */
  bytes(n: number): Uint8Array {
    this.need(n);
    const out = new Uint8Array(n);
    out.set(this.buf.subarray(this.pos, this.pos + n));
    this.pos += n;
    return out;
  }

  utf8(n: number): string {
    this.need(n);
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }

  latin1(n: number): string {
    this.need(n);
    const s = this.buf.toString('latin1', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }

  /** A newline-terminated ASCII line (GLOBAL's operands), without the newline. */
  line(maxLength = 4096): string {
    let s = '';
    for (;;) {
      const c = this.u8();
      if (c === 0x0a) return s;
      s += String.fromCharCode(c);
      if (s.length > maxLength) {
        throw new FlowsegInputError(`${this.path}: unterminated text operand at offset ${this.offset} — the file is corrupt`);
      }
    }
  }
}
