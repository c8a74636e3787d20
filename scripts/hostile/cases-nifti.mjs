// Hostile NIfTI through the folder reader: impossible dims, bitpix, vox_offset, bombs.
import { deflateBomb, gzipWrap, nifti2Header, niftiHeader } from './encoders.mjs';
import { gzipSync } from 'node:zlib';

const good = Buffer.concat([niftiHeader(), Buffer.alloc(16)]); // 4×4×1 uint8
const folder = (name, image, stderr, { ending = '.nii', label } = {}) => ({
  name: `nifti-${name}`,
  files: {
    'in/dataset.json': JSON.stringify({ name: 'x', channel_names: { 0: 'CT' }, raters: 1 }),
    [`in/imagesTr/c_0000${ending}`]: image,
    [`in/labelsTr/c_rater0${ending}`]: label ?? (ending === '.nii.gz' ? gzipSync(good) : good),
  },
  argv: ['prepare', '--format', 'folder', '{dir}/in', '--out', '{out}'],
  expect: { exit: 2, stderr },
});
const noise = (n) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 7919 + ((i * i) >> 3)) % 251));
const withData = (header, bytes = 16) => Buffer.concat([header, Buffer.alloc(bytes)]);

export const niftiCases = [
  folder('negative-dim', withData(niftiHeader({ dim: [3, -4, 4, 1, 1, 1, 1, 1] })), /c_0000\.nii: dim\[1\] is -4/),
  folder('zero-dim', withData(niftiHeader({ dim: [3, 4, 0, 1, 1, 1, 1, 1] })), /c_0000\.nii: dim\[2\] is 0; every used dimension must be at least 1/),
  folder('rank-zero', withData(niftiHeader({ dim: [0, 4, 4, 1, 1, 1, 1, 1] })), /dim\[0\] \(number of dimensions\) is 0/),
  folder('rank-nine', withData(niftiHeader({ dim: [9, 4, 4, 1, 1, 1, 1, 1] })), /dim\[0\] \(number of dimensions\) is 9/),
  folder('bitpix-zero', withData(niftiHeader({ bitpix: 0 })), /c_0000\.nii: bitpix is 0 but datatype uint8 has 8 bits/),
  folder('bitpix-mismatch', withData(niftiHeader({ datatype: 16, bitpix: 8 })), /bitpix is 8 but datatype float32 has 32/),
  folder('vox-offset-nan', withData(niftiHeader({ voxOffset: Number.NaN })), /vox_offset is NaN/),
  folder('vox-offset-negative', withData(niftiHeader({ voxOffset: -400 })), /vox_offset is -400/),
  folder('vox-offset-huge', withData(niftiHeader({ voxOffset: 1e30 })), /vox_offset is 1\.0000000150474662e\+30|vox_offset is/),
  folder('vox-offset-fraction', withData(niftiHeader({ voxOffset: 352.5 })), /vox_offset is 352\.5/),
  folder('huge-dims', withData(niftiHeader({ dim: [3, 30000, 30000, 30000, 1, 1, 1, 1] })), /slices are 30000×30000 pixels.*FLOWSEG_MAX_PIXELS/),
  folder('huge-volume', withData(niftiHeader({ dim: [3, 4000, 4000, 32000, 1, 1, 1, 1] })), /volume is 4000×4000×32000 voxels.*FLOWSEG_MAX_VOXELS/),
  folder('4d', withData(niftiHeader({ dim: [4, 4, 4, 1, 5, 1, 1, 1] }), 80), /has 4 dimensions/),
  folder('datatype-rgb', withData(niftiHeader({ datatype: 128, bitpix: 24 }), 48), /datatype code 128 is not supported/),
  folder('hdr-img-pair', withData(niftiHeader({ magic: 'ni1' })), /header of a \.hdr\/\.img pair/),
  folder('bad-magic', withData(niftiHeader({ magic: 'xyz' })), /bad magic/),
  folder('not-nifti', Buffer.alloc(400, 7), /not a NIfTI-1\/2 file/),
  folder('too-short', Buffer.alloc(100), /too short for a NIfTI header|not a NIfTI/),
  folder('truncated', niftiHeader({ dim: [3, 64, 64, 1, 1, 1, 1, 1] }), /c_0000\.nii: truncated: 352 bytes, the header needs 4448/),
  folder('nifti2-huge-dims', withData(nifti2Header({ dim: [3, 2 ** 40, 2 ** 40, 1, 1, 1, 1, 1] })), /slices are 1099511627776×1099511627776 pixels/),
  folder('nifti2-dims-overflow', withData(nifti2Header({ dim: [3, 2 ** 62, 4, 1, 1, 1, 1, 1] })), /dim\[1\] is 4611686018427388000|dim\[1\] is/),
  // A 2 MB .nii.gz whose payload inflates to 2 GiB behind an honest 64×64 header: only 4 KB are inflated.
  folder(
    'gz-bomb-behind-small-header',
    () => gzipWrap(deflateBomb(2 * 2 ** 30, niftiHeader({ dim: [3, 64, 64, 1, 1, 1, 1, 1] }))),
    /c_rater0\.nii\.gz is 4×4×1, expected 64×64×1/,
    { ending: '.nii.gz' },
  ),
  folder(
    'gz-bomb-huge-header',
    () => gzipWrap(deflateBomb(64 << 20, niftiHeader({ dim: [3, 20000, 20000, 1, 1, 1, 1, 1] }))),
    /slices are 20000×20000 pixels/,
    { ending: '.nii.gz' },
  ),
  folder('gz-garbage', Buffer.from([0x1f, 0x8b, 8, 0, 9, 9, 9, 9, 9, 9, 9, 9, 9]), /c_0000\.nii\.gz: cannot gunzip/, { ending: '.nii.gz' }),
  folder(
    'gz-truncated',
    gzipSync(Buffer.concat([niftiHeader({ dim: [3, 64, 64, 1, 1, 1, 1, 1] }), noise(4096)])).subarray(0, 1000),
    /c_0000\.nii\.gz: (cannot gunzip|truncated)/,
    { ending: '.nii.gz' },
  ),
];
