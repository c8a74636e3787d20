// Hostile scans through `flowseg sample --image <DICOM | NIfTI> --at …` (issue 27): truncated
// files, missing pixels, compressed syntaxes, mixed series, points off the image, volumes too
// big for the limits and a deflate bomb. DICOM files are written byte by byte here (explicit VR
// little endian), so each lie is exact.
import { deflateBomb, niftiHeader } from './encoders.mjs';

const u16 = (v) => {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(v);
  return b;
};
const u32 = (v) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v);
  return b;
};
const LONG = new Set(['OB', 'OW', 'SQ', 'UN', 'UT']);
/** One explicit-VR-LE element; strings padded to even length (UI with NUL, others with space). */
function element(group, el, vr, value) {
  let v = Buffer.isBuffer(value) ? value : Buffer.from(String(value), 'latin1');
  if (vr === 'US') v = u16(value);
  if (vr === 'UL') v = u32(value);
  if (v.length % 2) v = Buffer.concat([v, Buffer.from(vr === 'UI' || vr === 'OB' ? [0] : [0x20])]);
  const head = LONG.has(vr)
    ? Buffer.concat([u16(group), u16(el), Buffer.from(vr), u16(0), u32(v.length)])
    : Buffer.concat([u16(group), u16(el), Buffer.from(vr), u16(v.length)]);
  return Buffer.concat([head, v]);
}

/**
 * A CT image file. `pixels` defaults to rows×cols int16 zeros; `body(dataset)` may transform the
 * dataset bytes (deflate); `omitPixels` leaves PixelData out; `pixelLength` lies about its length.
 */
export function dicom({
  ts = '1.2.840.10008.1.2.1',
  rows = 32,
  cols = 32,
  series = '1.2.826.0.1.3680043.8.498.9',
  z = 0,
  pixels,
  omitPixels = false,
  pixelLength,
  body,
} = {}) {
  const uid = `${series}.${z + 1}`;
  const metaElements = [
    element(0x0002, 0x0001, 'OB', Buffer.from([0, 1])),
    element(0x0002, 0x0002, 'UI', '1.2.840.10008.5.1.4.1.1.2'),
    element(0x0002, 0x0003, 'UI', uid),
    element(0x0002, 0x0010, 'UI', ts),
    element(0x0002, 0x0012, 'UI', '1.2.826.0.1.3680043.8.498.2'),
  ];
  const meta = Buffer.concat(metaElements);
  const px = pixels ?? Buffer.alloc(rows * cols * 2);
  const pixelElement = element(0x7fe0, 0x0010, 'OW', px);
  if (pixelLength !== undefined) pixelElement.writeUInt32LE(pixelLength, 8);
  const dataset = Buffer.concat([
    element(0x0008, 0x0016, 'UI', '1.2.840.10008.5.1.4.1.1.2'),
    element(0x0008, 0x0018, 'UI', uid),
    element(0x0008, 0x0060, 'CS', 'CT'),
    element(0x0020, 0x000e, 'UI', series),
    element(0x0020, 0x0013, 'IS', z + 1),
    element(0x0020, 0x0032, 'DS', `0\\0\\${z * 2.5}`),
    element(0x0020, 0x0037, 'DS', '1\\0\\0\\0\\1\\0'),
    element(0x0028, 0x0002, 'US', 1),
    element(0x0028, 0x0004, 'CS', 'MONOCHROME2'),
    element(0x0028, 0x0010, 'US', rows),
    element(0x0028, 0x0011, 'US', cols),
    element(0x0028, 0x0030, 'DS', '0.7\\0.7'),
    element(0x0028, 0x0100, 'US', 16),
    element(0x0028, 0x0101, 'US', 16),
    element(0x0028, 0x0102, 'US', 15),
    element(0x0028, 0x0103, 'US', 1),
    element(0x0028, 0x1052, 'DS', -1024),
    element(0x0028, 0x1053, 'DS', 1),
    ...(omitPixels ? [] : [pixelElement]),
  ]);
  return Buffer.concat([Buffer.alloc(128), Buffer.from('DICM'), element(0x0002, 0x0000, 'UL', meta.length), meta, body ? body(dataset) : dataset]);
}

const series = (n, over = () => ({})) => Object.fromEntries(Array.from({ length: n }, (_, z) => [`ct/IM${z}.dcm`, dicom({ z, ...over(z) })]));
const sample = (image, at = ['--at', '16,16,0']) => ['sample', '--checkpoint', '{run}', '--image', image, ...at, '--out', '{out}'];
const scanCase = (name, files, stderr, { at, image = '{dir}/ct', env } = {}) => ({
  name: `scan-${name}`,
  needsRun: true,
  files,
  argv: sample(image, at),
  ...(env ? { env } : {}),
  expect: { exit: 2, stderr },
});
const full = dicom();

export const scanCases = [
  scanCase(
    'dicom-truncated',
    { ...series(2), 'ct/IM1.dcm': full.subarray(0, full.length - 700) },
    /IM1\.dcm: element \(7FE0,0010\) declares 2,048 bytes but 1,348 remain — the file is truncated or corrupt/,
  ),
  scanCase('dicom-cut-in-header', { 'ct/IM0.dcm': full.subarray(0, 300) }, /IM0\.dcm: an element header at byte \d+ — the file is truncated or corrupt/),
  scanCase(
    'dicom-no-pixeldata',
    series(1, () => ({ omitPixels: true })),
    /IM0\.dcm: has no PixelData \(7FE0,0010\)/,
  ),
  scanCase(
    'dicom-jpeg',
    series(1, () => ({ ts: '1.2.840.10008.1.2.4.50' })),
    /IM0\.dcm: transfer syntax 1\.2\.840\.10008\.1\.2\.4\.50 \(JPEG Baseline \(Process 1\)\) is not supported/,
  ),
  scanCase(
    'dicom-jpeg2000',
    series(1, () => ({ ts: '1.2.840.10008.1.2.4.90' })),
    /transfer syntax 1\.2\.840\.10008\.1\.2\.4\.90 \(JPEG 2000 Lossless Only\) is not supported/,
  ),
  scanCase(
    'dicom-rle',
    series(1, () => ({ ts: '1.2.840.10008.1.2.5' })),
    /transfer syntax 1\.2\.840\.10008\.1\.2\.5 \(RLE Lossless\) is not supported/,
  ),
  scanCase(
    'dicom-mixed-series',
    series(3, (z) => (z === 2 ? { series: '1.2.3.999' } : {})),
    /IM2\.dcm and .*IM0\.dcm are not one series: SeriesInstanceUID 1\.2\.3\.999 vs/,
  ),
  scanCase(
    'dicom-mixed-sizes',
    series(2, (z) => (z === 1 ? { rows: 16, cols: 16 } : {})),
    /IM1\.dcm and .*IM0\.dcm are not one series: size 16×16 vs 32×32/,
  ),
  scanCase('dicom-point-outside', series(2), /--at: the point \(40, 3\) is outside the 32×32 image/, { at: ['--at', '40,3,0'] }),
  scanCase('dicom-slice-outside', series(2), /--at: slice 5 is outside the volume of 2 slices/, { at: ['--at', '3,3,5'] }),
  scanCase('dicom-mm-outside', series(2), /--at-mm 0,0,99: that point is at slice 39\.6, outside the 2 slices/, { at: ['--at-mm', '0,0,99'] }),
  scanCase('dicom-no-at', series(2), /ct is 32×32 but the model takes 16×16: give --at x,y/, { at: [] }),
  scanCase(
    'dicom-header-60000x60000',
    series(1, () => ({ rows: 60000, cols: 60000, pixels: Buffer.alloc(64) })),
    /IM0\.dcm: image is 60000×60000 = 3,600,000,000 pixels, more than allowed/,
  ),
  scanCase('dicom-series-over-voxel-limit', series(4), /the series of .*IM0\.dcm is 32×32×4 voxels, more than allowed: the limit is 4,000 voxels per volume/, {
    env: { FLOWSEG_MAX_VOXELS: '4000' },
  }),
  scanCase(
    'dicom-pixel-length-lies',
    series(1, () => ({ pixelLength: 0x7ffffff0 })),
    /IM0\.dcm: element \(7FE0,0010\) declares 2,147,483,632 bytes but 2,048 remain/,
  ),
  scanCase(
    'dicom-deflate-bomb',
    { 'ct/IM0.dcm': dicom({ ts: '1.2.840.10008.1.2.1.99', body: () => deflateBomb(2 ** 30) }) },
    /IM0\.dcm: the deflated dataset inflates to more than 116,777,216 bytes/,
  ),
  scanCase('dicom-folder-without-dicom', { 'ct/readme.txt': 'not a scan' }, /ct: no DICOM files \(none of its 1 files has the DICM magic\)/),
  scanCase(
    'nifti-3d-point-outside',
    { 'v.nii': Buffer.concat([niftiHeader({ dim: [3, 8, 8, 3, 1, 1, 1, 1] }), Buffer.alloc(192)]) },
    /--at: the point \(9, 1\) is outside the 8×8 image/,
    {
      image: '{dir}/v.nii',
      at: ['--at', '9,1,1'],
    },
  ),
];
