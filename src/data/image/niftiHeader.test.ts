import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FlowsegInputError } from '../../util/errors.js';
import { parseNiftiHeader } from './niftiHeader.js';

interface Fields {
  dim?: number[];
  datatype?: number;
  bitpix?: number;
  voxOffset?: number;
  magic?: string;
}
/** A single-file NIfTI-1 header (nifti1.h offsets), little-endian. */
function header({ dim = [3, 5, 4, 2, 1, 1, 1, 1], datatype = 4, bitpix = 16, voxOffset = 352, magic = 'n+1' }: Fields = {}): Uint8Array {
  const h = Buffer.alloc(352);
  h.writeInt32LE(348, 0);
  for (const [i, d] of dim.entries()) h.writeInt16LE(d, 40 + 2 * i);
  h.writeInt16LE(datatype, 70);
  h.writeInt16LE(bitpix, 72);
  h.writeFloatLE(voxOffset, 108);
  h.writeFloatLE(2, 112);
  h.write(`${magic}\0`, 344, 'latin1');
  return h;
}
const refused =
  (re: RegExp) =>
  (e: unknown): boolean =>
    e instanceof FlowsegInputError && re.test(e.message) && e.message.startsWith('v.nii: ');

test('a valid NIfTI-1 header: sizes, type, offset, scaling and the bytes it implies', () => {
  const h = parseNiftiHeader(header(), 'v.nii');
  assert.deepEqual([h.nx, h.ny, h.nz, h.bytesPerVoxel, h.voxOffset, h.sclSlope, h.totalBytes], [5, 4, 2, 2, 352, 2, 352 + 80]);
  assert.equal(h.littleEndian, true);
});

test('hostile fields are one input error each, before any voxel is allocated', () => {
  const cases: [Fields, RegExp][] = [
    [{ dim: [3, -4, 4, 1, 1, 1, 1, 1] }, /dim\[1\] is -4; every used dimension must be at least 1/],
    [{ dim: [3, 4, 0, 1, 1, 1, 1, 1] }, /dim\[2\] is 0/],
    [{ dim: [0, 4, 4, 1, 1, 1, 1, 1] }, /dim\[0\] \(number of dimensions\) is 0/],
    [{ bitpix: 0 }, /bitpix is 0 but datatype int16 has 16 bits per voxel/],
    [{ voxOffset: Number.NaN }, /vox_offset is NaN/],
    [{ voxOffset: 100 }, /vox_offset is 100, expected an integer ≥ 348/],
    [{ datatype: 128, bitpix: 24 }, /datatype code 128 is not supported/],
    [{ magic: 'ni1' }, /\.hdr\/\.img pair/],
    [{ dim: [4, 4, 4, 1, 3, 1, 1, 1] }, /has 4 dimensions \(4×4×1×3\)/],
    [{ dim: [3, 30000, 30000, 1, 1, 1, 1, 1] }, /slices are 30000×30000 pixels.*FLOWSEG_MAX_PIXELS/],
    [{ dim: [3, 4000, 4000, 20000, 1, 1, 1, 1] }, /volume is 4000×4000×20000 voxels.*FLOWSEG_MAX_VOXELS/],
  ];
  for (const [fields, re] of cases) assert.throws(() => parseNiftiHeader(header(fields), 'v.nii'), refused(re), JSON.stringify(fields));
  assert.throws(() => parseNiftiHeader(new Uint8Array(100), 'v.nii'), refused(/too short/));
});
