// Hostile .npz: bombs (members inflating past their declared size or to gigabytes), shapes
// far over the limits, broken headers and zip structures.
import { deflateBomb, npy, zip } from './encoders.mjs';

const images = npy('<f4', '(2, 4, 4)', Buffer.alloc(2 * 16 * 4));
const masks = npy('|u1', '(2, 1, 4, 4)', Buffer.alloc(2 * 16));
const stored = (name, data) => ({ name, data });
const npzCase = (name, file, stderr) => ({
  name: `npz-${name}`,
  files: { 'in.npz': file },
  argv: ['prepare', '--format', 'npz', '{dir}/in.npz', '--out', '{out}'],
  expect: { exit: 2, stderr },
});
const withImages = (imagesMember) => () => zip([imagesMember, stored('masks.npy', masks)]);
const withMasks = (masksMember) => () => zip([stored('images.npy', images), masksMember]);
/** A deflated member: an honest header, then a payload inflating to `bytes` zeros. */
const bombMember = (name, header, bytes, declared) => ({ name, data: deflateBomb(bytes, header), method: 8, size: declared });

export const npzCases = [
  // 3 MB on disk, 3 GiB inflated, one 6000 × 6000 float32 image (144 MB, declared honestly) over the pixel limit.
  npzCase(
    'bomb-huge-shape',
    withImages(bombMember('images.npy', npy('<f4', '(1, 6000, 6000)'), 3 * 2 ** 30, 0xffffffff)),
    /in\.npz:images \(shape \(1, 6000, 6000\)\): image is 6000×6000 = 36,000,000 pixels.*FLOWSEG_MAX_PIXELS/,
  ),
  npzCase(
    'bomb-60000-squared',
    withImages(bombMember('images.npy', npy('<f4', '(1, 60000, 60000)'), 3 * 2 ** 30, 0xffffffff)),
    /in\.npz:images: truncated: 4294967295 bytes, shape \(1, 60000, 60000\) needs 14400000128/,
  ),
  // Declares a small member (the shape's exact size) but inflates to 1 GiB.
  npzCase(
    'bomb-past-declared-size',
    withImages(bombMember('images.npy', npy('<f4', '(2, 4, 4)'), 2 ** 30, 128 + 128)),
    /in\.npz:images: .*inflates past its declared 256 bytes/,
  ),
  // Declares 8 bytes, fewer than its own shape needs, and inflates to 4 MiB.
  npzCase('bomb-declared-tiny', withMasks(bombMember('masks.npy', npy('|u1', '(2, 1, 4, 4)'), 4 << 20, 8)), /in\.npz:masks: .*(inflates past|truncated)/),
  npzCase(
    'channels-100000',
    withImages(bombMember('images.npy', npy('<f4', '(2, 100000, 4, 4)'), 16 << 20, (16 << 20) + 4096)),
    /has 100000 channels.*FLOWSEG_MAX_CHANNELS/,
  ),
  npzCase(
    'raters-100000',
    withMasks(bombMember('masks.npy', npy('|u1', '(2, 100000, 4, 4)'), 4 << 20, (4 << 20) + 4096)),
    /has 100000 raters.*FLOWSEG_MAX_RATERS/,
  ),
  npzCase(
    'shape-100000-squared',
    () => zip([stored('images.npy', npy('<f4', '(1, 100000, 100000)', Buffer.alloc(64))), stored('masks.npy', npy('|u1', '(1, 1, 100000, 100000)'))]),
    /shape \(1, 100000, 100000\) needs 40000000128/,
  ),
  npzCase('shape-negative', withImages(stored('images.npy', npy('<f4', '(-2, 4, 4)'))), /bad shape entry "-2"/),
  npzCase('shape-overflow', withImages(stored('images.npy', npy('<f4', '(99999999999999999999, 4, 4)'))), /bad shape entry/),
  npzCase(
    'header-length-4gb',
    withImages(stored('images.npy', npy('<f4', '(2, 4, 4)', Buffer.alloc(128), { version: 2, headerLength: 0xfffffff0 }))),
    /header claims 4294967280 bytes/,
  ),
  npzCase('object-dtype', withImages(stored('images.npy', npy('|O', '(2, 4, 4)', Buffer.alloc(256)))), /dtype object \(pickled Python objects\) is refused/),
  npzCase(
    'structured-dtype',
    withImages(
      stored('images.npy', Buffer.from("\x93NUMPY\x01\x00\x40\x00{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }      \n", 'latin1')),
    ),
    /structured dtype/,
  ),
  npzCase('fortran-order', withImages(stored('images.npy', npy('<f4', '(2, 4, 4)', Buffer.alloc(128), { fortran: 'True' }))), /Fortran-ordered/),
  npzCase(
    'ids-dtype-huge',
    () => zip([stored('images.npy', images), stored('masks.npy', masks), stored('ids.npy', npy('<U999999999', '(2,)'))]),
    /ids\.npy|in\.npz:ids: .*ids longer than 4096 bytes/,
  ),
  npzCase('mask-value-7', withMasks(stored('masks.npy', npy('|u1', '(2, 1, 4, 4)', Buffer.alloc(32, 7)))), /masks\[0, 0\] holds 7; masks must be 0\/1/),
  npzCase('encrypted-member', () => zip([{ ...stored('images.npy', images), flags: 1 }, stored('masks.npy', masks)]), /encrypted members are not supported/),
  npzCase('method-bzip2', withImages({ ...stored('images.npy', images), method: 12 }), /zip method 12/),
  npzCase('not-a-zip', Buffer.alloc(5000, 0x33), /no zip end record/),
  npzCase(
    'central-directory-past-eof',
    () => zip([stored('images.npy', images), stored('masks.npy', masks)], { cdOffsetDelta: 1 << 20 }),
    /central directory lies past the end/,
  ),
  npzCase(
    'truncated-member',
    () => zip([stored('images.npy', images.subarray(0, 100)), stored('masks.npy', masks)]),
    /in\.npz:images: needs 116 bytes at offset 52, region ends at 140; the array is corrupt or truncated/,
  ),
  npzCase('missing-masks', () => zip([stored('images.npy', images)]), /holds images; expected arrays "images" and "masks"/),
  npzCase('deflate-garbage', withImages({ name: 'images.npy', data: Buffer.alloc(300, 0xff), method: 8, size: 300 }), /in\.npz:images/),
  npzCase('images-masks-shape-mismatch', withMasks(stored('masks.npy', npy('|u1', '(3, 1, 4, 4)', Buffer.alloc(48)))), /masks must be \[2, R, 4, 4\]/),
];
