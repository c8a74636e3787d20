import assert from 'node:assert/strict';
import { test } from 'node:test';
import { constants, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { FlowsegInputError } from '../../util/errors.js';
import { checkPngBounds, gunzipBounded, jpegSize } from './bounds.js';
import { decodeImage } from './decode.js';

function crc32(buf: Uint8Array): number {
  let c = ~0 >>> 0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return ~c >>> 0;
}
function chunk(type: string, data: Buffer): Buffer {
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
/** 8-bit gray PNG with any IHDR and zlib-framed IDAT. */
function png(width: number, height: number, interlace: number, idat: Buffer): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 0, 0, 0, interlace], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', idat),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
/** A zlib stream of `mib` MiB of zeros from a few KB (sync-flushed blocks repeated). */
function zlibBomb(mib: number): Buffer {
  const block = deflateRawSync(Buffer.alloc(1 << 20), { finishFlush: constants.Z_SYNC_FLUSH });
  return Buffer.concat([Buffer.from([0x78, 0x9c]), ...Array(mib).fill(block), Buffer.from([3, 0]), Buffer.alloc(4)]);
}
const refused =
  (re: RegExp) =>
  (e: unknown): boolean =>
    e instanceof FlowsegInputError && re.test(e.message);

test('a PNG header over the pixel limit is refused before decoding, naming the file and the variable', () => {
  assert.throws(
    () => checkPngBounds(png(60000, 60000, 0, deflateSync(Buffer.alloc(1))), 'a.png'),
    refused(/a\.png: image is 60000×60000 = 3,600,000,000 pixels.*FLOWSEG_MAX_PIXELS/),
  );
});

test('an interlaced PNG inflating past its header size is refused; a valid 1×1 interlaced one decodes', () => {
  const bomb = png(100, 100, 1, zlibBomb(64));
  assert.throws(() => checkPngBounds(bomb, 'b.png'), refused(/b\.png: PNG pixel data inflates to more than the 1\d{4} bytes its 100×100 header allows/));
  const one = png(1, 1, 1, deflateSync(Buffer.from([0, 200]))); // Adam7 pass 1 only: filter byte + 1 pixel
  assert.equal(decodeImage(one, 'one.png').data[0], 200);
});

test('jpegSize reads the SOF marker; gunzipBounded caps the output', () => {
  const sof = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0, 0xff, 0xc0, 0, 11, 8, 0x04, 0x38, 0x07, 0x80, 1, 1, 0x11, 0]);
  assert.deepEqual(jpegSize(sof), { height: 1080, width: 1920 });
  const gz = gzipSync(Buffer.alloc(10_000));
  assert.equal(gunzipBounded(gz, 'g.gz', 10_000).length, 10_000);
  assert.throws(() => gunzipBounded(gz, 'g.gz', 9_999), refused(/g\.gz: gzip data inflates to more than 9,999 bytes/));
});
