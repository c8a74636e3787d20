// Hostile images: headers that claim huge sizes, decompression bombs, truncations, through
// every reader that decodes images (kvasir, folder, retina DRIVE/STARE, lidc-png, sample --image).
import { deflateBomb, gif, grayPng, gzipWrap, jpegHeader, pgm, png, tar, tiff, zlibWrap } from './encoders.mjs';

const HUGE = 60000;
const prepare = (format, input = '{dir}/in') => ['prepare', '--format', format, input, '--out', '{out}'];
const ok4 = grayPng(4, 4);
const mask4 = grayPng(4, 4, (x) => (x < 2 ? 255 : 0));

/** Kvasir layout with one image/mask pair; either may be hostile. */
const kvasir = (name, image, mask, stderr, ext = 'png') => ({
  name: `kvasir-${name}`,
  files: { [`in/images/a.${ext}`]: image, [`in/masks/a.${ext}`]: mask ?? mask4 },
  argv: prepare('kvasir'),
  expect: { exit: 2, stderr },
});

/** DRIVE layout (images/*.tif, 1st_manual, 2nd_manual, mask gifs), one file hostile. */
const drive = (name, files, stderr) => ({
  name: `drive-${name}`,
  files: {
    'in/images/01_test.tif': tiff(1, 1),
    'in/1st_manual/01_manual1.gif': gif(1, 1),
    'in/2nd_manual/01_manual2.gif': gif(1, 1),
    'in/mask/01_test_mask.gif': gif(1, 1),
    ...files,
  },
  argv: prepare('retina'),
  expect: { exit: 2, stderr },
});

/** STARE layout (stare-images, labels-ah, labels-vk). */
const stare = (name, image, stderr, imageName = 'im0001.ppm') => ({
  name: `stare-${name}`,
  files: {
    [`in/stare-images/${imageName}`]: image,
    'in/labels-ah/im0001.ah.ppm': pgm(4, 4, Buffer.alloc(16)),
    'in/labels-vk/im0001.vk.ppm': pgm(4, 4, Buffer.alloc(16)),
  },
  argv: prepare('retina'),
  expect: { exit: 2, stderr },
});

/** nnU-Net folder with one PNG case. */
const folderPng = (name, image, label, stderr) => ({
  name: `folder-png-${name}`,
  files: {
    'in/dataset.json': JSON.stringify({ name: 'x', channel_names: { 0: 'gray' }, raters: 1 }),
    'in/imagesTr/c_0000.png': image,
    'in/labelsTr/c_rater0.png': label ?? grayPng(4, 4),
  },
  argv: prepare('folder'),
  expect: { exit: 2, stderr },
});

/** LIDC PNG tree (one nodule, one rater) as a folder and as a tar. */
const lidcFiles = (image, mask) => ({
  'LIDC-IDRI-0001/nodule-0/images/slice-0.png': image,
  'LIDC-IDRI-0001/nodule-0/mask-0/slice-0.png': mask ?? grayPng(4, 4),
});
const lidcFolder = (name, image, mask, stderr) => ({
  name: `lidc-png-${name}`,
  files: Object.fromEntries(Object.entries(lidcFiles(image, mask)).map(([k, v]) => [`in/${k}`, v])),
  argv: prepare('lidc-png'),
  expect: { exit: 2, stderr },
});
const lidcTar = (name, image, mask, stderr) => ({
  name: `lidc-tar-${name}`,
  files: { 'in.tar': () => tar(Object.entries(lidcFiles(image, mask)).map(([k, v]) => [`LIDC-IDRI-slices/${k}`, v])) },
  argv: prepare('lidc-png', '{dir}/in.tar'),
  expect: { exit: 2, stderr },
});

const hugePng = png({ width: HUGE, height: HUGE, idat: zlibWrap(deflateBomb(1 << 20)) });
const tooBig = /60000×60000 = 3,600,000,000 pixels.*FLOWSEG_MAX_PIXELS/;
// 2000×2000 interlaced gray needs ~4 MB of scanlines; this IDAT inflates to 1 GiB.
const interlacedBomb = () => png({ width: 2000, height: 2000, interlace: 1, idat: zlibWrap(deflateBomb(2 ** 30)) });
// Non-interlaced: pngjs caps the inflate at the header's size; the bomb must still end quickly.
const plainBomb = () => png({ width: 3000, height: 3000, idat: zlibWrap(deflateBomb(2 ** 30)) });

export const imageCases = [
  kvasir('png-60000x60000-header', hugePng, undefined, tooBig),
  kvasir('mask-png-60000x60000-header', ok4, hugePng, tooBig),
  kvasir(
    'png-interlaced-deflate-bomb',
    interlacedBomb,
    undefined,
    /inflates to more than the 4,\d+|inflates to more than the \d+ bytes its 2000×2000 header allows/,
  ),
  kvasir('png-deflate-bomb', plainBomb, undefined, /a\.png/),
  kvasir('png-truncated', ok4.subarray(0, 40), undefined, /a\.png: cannot decode PNG/),
  kvasir('png-zero-size', png({ width: 0, height: 0, idat: zlibWrap(deflateBomb(0)) }), undefined, /a\.png/),
  kvasir('png-garbage-after-signature', Buffer.concat([ok4.subarray(0, 8), Buffer.alloc(64, 0xab)]), undefined, /a\.png/),
  kvasir('jpeg-65000x65000-header', jpegHeader(65000, 65000), undefined, /65000×65000 = 4,225,000,000 pixels/, 'jpg'),
  kvasir('jpeg-truncated', jpegHeader(64, 64).subarray(0, 10), undefined, /a\.jpg: cannot decode JPEG/, 'jpg'),
  kvasir('not-an-image', Buffer.from('hello, I am text'), undefined, /a\.png: not a PNG, JPEG, TIFF, GIF or PPM image/),
  drive('tiff-60000x60000-header', { 'in/images/01_test.tif': tiff(HUGE, HUGE, Buffer.alloc(16)) }, tooBig),
  drive('gif-60000x60000-canvas', { 'in/1st_manual/01_manual1.gif': gif(HUGE, HUGE) }, tooBig),
  drive('gif-frame-larger-than-canvas', { 'in/1st_manual/01_manual1.gif': gif(1, 1, HUGE, HUGE) }, /01_manual1\.gif/),
  drive('gif-truncated', { 'in/2nd_manual/01_manual2.gif': gif(1, 1).subarray(0, 12) }, /01_manual2\.gif: cannot decode GIF/),
  stare('pgm-60000x60000-header', pgm(HUGE, HUGE), tooBig),
  stare('pgm-ascii-huge', pgm(HUGE, HUGE, Buffer.from('0 0 0'), 'P2'), tooBig),
  stare(
    'pgm-gzip-bomb',
    () => gzipWrap(deflateBomb(2 ** 30, Buffer.from(`P5\n5000 5000\n255\n`))),
    /im0001\.ppm\.gz: gzip data inflates to more than/,
    'im0001.ppm.gz',
  ),
  stare('gzip-garbage', Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7, 8]), /im0001\.ppm\.gz: cannot gunzip/, 'im0001.ppm.gz'),
  folderPng('60000x60000-header', hugePng, undefined, tooBig),
  folderPng('label-interlaced-bomb', ok4, interlacedBomb, /c_rater0\.png: PNG pixel data inflates to more than/),
  lidcFolder('60000x60000-header', hugePng, undefined, tooBig),
  lidcFolder('mask-interlaced-bomb', ok4, interlacedBomb, /mask-0\/slice-0\.png: PNG pixel data inflates to more than/),
  lidcTar('60000x60000-header', hugePng, undefined, tooBig),
  lidcTar('truncated-png', ok4.subarray(0, 30), undefined, /slice-0\.png is not a readable PNG/),
  {
    name: 'lidc-tar-garbage',
    files: { 'in.tar': Buffer.alloc(3000, 0x41) },
    argv: prepare('lidc-png', '{dir}/in.tar'),
    expect: { exit: 2, stderr: /in\.tar is not a readable tar|holds no/ },
  },
  {
    name: 'sample-image-60000x60000-header',
    needsRun: true,
    files: { 'img.png': hugePng },
    argv: ['sample', '--checkpoint', '{run}', '--image', '{dir}/img.png', '--out', '{out}'],
    expect: { exit: 2, stderr: tooBig },
  },
  {
    name: 'sample-image-gzip-bomb',
    needsRun: true,
    files: { 'img.png': () => gzipWrap(deflateBomb(2 ** 30, Buffer.from('P5\n4000 4000\n255\n'))) },
    argv: ['sample', '--checkpoint', '{run}', '--image', '{dir}/img.png', '--out', '{out}'],
    expect: { exit: 2, stderr: /img\.png: gzip data inflates to more than/ },
  },
];

/** dataset.json numbers that would size per-rater lists. */
imageCases.push({
  name: 'folder-dataset-json-raters-2e9',
  files: {
    'in/dataset.json': JSON.stringify({ name: 'x', channel_names: { 0: 'gray' }, raters: 2e9 }),
    'in/imagesTr/c_0000.png': grayPng(4, 4),
    'in/labelsTr/c_rater0.png': grayPng(4, 4),
  },
  argv: prepare('folder'),
  expect: { exit: 2, stderr: /dataset\.json: "raters" is 2000000000.*FLOWSEG_MAX_RATERS/ },
});

/** Target sizes from flags are bounded like decoded images. */
imageCases.push(
  {
    ...kvasir('size-100000', ok4, undefined, /--size: image is 100000×100000/),
    name: 'kvasir-flag-size-100000',
    argv: [...prepare('kvasir'), '--size', '100000'],
  },
  {
    ...folderPng('size-100000', ok4, undefined, /--size: image is 100000×100000/),
    name: 'folder-flag-size-100000',
    argv: [...prepare('folder'), '--size', '100000'],
  },
  {
    ...stare('patch-100000', pgm(4, 4, Buffer.alloc(16)), /--patch-size: image is 100000×100000/),
    name: 'retina-flag-patch-size-100000',
    argv: [...prepare('retina'), '--patch-size', '100000'],
  },
);

/** A nodule with more rater folders than the limit (the folders exist, empty). */
imageCases.push({
  name: 'lidc-png-raters-over-limit',
  files: Object.fromEntries([
    ['in/LIDC-IDRI-0001/nodule-0/images/slice-0.png', ok4],
    ...Array.from({ length: 70 }, (_, r) => [`in/LIDC-IDRI-0001/nodule-0/mask-${r}/slice-0.png`, mask4]),
  ]),
  argv: prepare('lidc-png'),
  expect: { exit: 2, stderr: /nodule-0 has 70 rater folders.*FLOWSEG_MAX_RATERS/ },
});

/** A tar entry whose header claims 8 GB (the file itself is 3 KB). */
imageCases.push({
  name: 'lidc-tar-entry-claims-8gb',
  files: { 'in.tar': () => tar([['LIDC-IDRI-slices/LIDC-IDRI-0001/nodule-0/images/slice-0.png', ok4, 8 * 2 ** 30 - 1]]) },
  argv: prepare('lidc-png', '{dir}/in.tar'),
  expect: { exit: 2, stderr: /slice-0\.png is 8,589,934,591 bytes, too large for one slice/ },
});
