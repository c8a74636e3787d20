import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeCtSlice, fixtureCrop, withTransferSyntax, writeCtSeries } from '../testing/ctSeries.js';
import { FlowsegInputError } from '../util/errors.js';
import { voxelToWorld } from './affine.js';
import { readDicomSeries } from './dicomSeries.js';
import { levelToValue } from './intensity.js';
import { sliceOf } from './volume.js';

const crop = fixtureCrop();
const base = { crop, x0: 300, y0: 140, k: 3, slices: 5 };

test('a shuffled series is ordered by position, in HU, with the LPS affine of its headers', () => {
  const files = writeCtSeries({ ...base, shuffleSeed: 3 });
  assert.notDeepEqual(
    files.map((f) => f.name),
    [...files.map((f) => f.name)].sort(),
    'the shuffle must change the order',
  );
  const v = readDicomSeries(files);
  assert.deepEqual([v.nx, v.ny, v.nz, v.frame, v.units, v.modality], [512, 512, 5, 'LPS', 'HU', 'CT']);
  assert.deepEqual(v.sources, ['IM-0001.dcm', 'IM-0002.dcm', 'IM-0003.dcm', 'IM-0004.dcm', 'IM-0005.dcm']);
  assert.deepEqual(v.spacing, [0.703125, 0.703125, 2.5]);
  // origin = ImagePositionPatient of the lowest slice; (i, j, k) steps 0.703125 along x, y and 2.5 along z
  assert.deepEqual(voxelToWorld(v.affine, [10, 20, 4]), [-180 + 10 * 0.703125, -160 + 20 * 0.703125, -150 + 4 * 2.5]);
  const lesion = sliceOf(v, 3);
  for (const [x, y] of [
    [0, 0],
    [64, 64],
    [127, 5],
  ]) {
    assert.equal(lesion[(140 + y) * 512 + 300 + x], Math.round(levelToValue(crop.gray[y * 128 + x], -1024, 400)), `(${x},${y})`);
  }
  assert.equal(sliceOf(v, 0)[0], -1024, 'air outside the body: stored 0 with intercept −1024');
});

test('every supported transfer syntax gives the same voxels', () => {
  const ref = readDicomSeries(writeCtSeries({ ...base, slices: 2, k: 1 })).voxels;
  for (const ts of ['1.2.840.10008.1.2', '1.2.840.10008.1.2.2', '1.2.840.10008.1.2.1.99']) {
    const files = writeCtSeries({ ...base, slices: 2, k: 1, transferSyntax: ts });
    if (ts === '1.2.840.10008.1.2.1.99') assert.ok(files[0].bytes.length < 300_000, 'the deflated file is compressed');
    const v = readDicomSeries(files);
    assert.deepEqual(v.voxels, ref, ts);
  }
});

const refused = (re: RegExp) => (e: unknown) => e instanceof FlowsegInputError && !e.message.includes('\n') && re.test(e.message);

test('compressed transfer syntaxes are refused naming the UID and its name', () => {
  const [file] = writeCtSeries({ ...base, slices: 1, k: 0 });
  for (const [uid, name] of [
    ['1.2.840.10008.1.2.4.50', 'JPEG Baseline'],
    ['1.2.840.10008.1.2.4.90', 'JPEG 2000 Lossless'],
    ['1.2.840.10008.1.2.5', 'RLE Lossless'],
    ['1.2.3.4', 'unknown transfer syntax'],
  ]) {
    const bytes = withTransferSyntax(file.bytes, uid);
    assert.throws(() => readDicomSeries([{ name: 'x.dcm', bytes }]), refused(new RegExp(`^x\\.dcm: transfer syntax ${uid.replace(/\./g, '\\.')} \\(${name}`)));
  }
});

test('truncated files, missing pixels and oversized headers are one line naming the file', () => {
  const [file] = writeCtSeries({ ...base, slices: 1, k: 0 });
  for (const cut of [0.6, 0.999]) {
    const bytes = file.bytes.subarray(0, Math.floor(file.bytes.length * cut));
    assert.throws(() => readDicomSeries([{ name: 'cut.dcm', bytes }]), refused(/^cut\.dcm: .*(truncated|corrupt)/));
  }
  assert.throws(() => readDicomSeries([{ name: 'short.dcm', bytes: file.bytes.subarray(0, 100) }]), refused(/^short\.dcm: not a DICOM Part-10 file/));
  const stored = new Int16Array(16);
  const fields = { stored, n: 4, position: [0, 0, 0] as [number, number, number], spacing: 1, step: 1, series: '1.2.3', instance: 1 };
  assert.throws(
    () => readDicomSeries([{ name: 'nopix.dcm', bytes: encodeCtSlice({ ...fields, omitPixelData: true }) }]),
    refused(/^nopix\.dcm: has no PixelData/),
  );
  const lying = encodeCtSlice(fields);
  new DataView(lying.buffer, lying.byteOffset).setUint32(lying.length - 32 - 4, 0x7ffffff0, true); // PixelData's length field (32 bytes of pixels follow)
  assert.throws(
    () => readDicomSeries([{ name: 'lie.dcm', bytes: lying }]),
    refused(/^lie\.dcm: element \(7FE0,0010\) declares 2,147,483,632 bytes but 32 remain/),
  );
  const huge = encodeCtSlice({ ...fields, extra: { Rows: 60000, Columns: 60000 } });
  assert.throws(() => readDicomSeries([{ name: 'huge.dcm', bytes: huge }]), refused(/^huge\.dcm: image is 60000×60000 .* FLOWSEG_MAX_PIXELS/));
});

test('mixed series, sizes and duplicate positions are refused naming both files', () => {
  const a = writeCtSeries({ ...base, slices: 2, k: 0 });
  const b = writeCtSeries({ ...base, slices: 1, k: 0, seriesUid: '1.2.9', origin: [0, 0, 50] }).map((f) => ({ ...f, name: 'other.dcm' }));
  assert.throws(() => readDicomSeries([...a, ...b]), refused(/^other\.dcm and IM-0001\.dcm are not one series: SeriesInstanceUID 1\.2\.9 vs/));
  const small = writeCtSeries({ ...base, size: 256, x0: 10, y0: 10, slices: 1, k: 0, origin: [0, 0, 50] }).map((f) => ({ ...f, name: 'small.dcm' }));
  assert.throws(() => readDicomSeries([...a, ...small]), refused(/small\.dcm and IM-0001\.dcm are not one series: size 256×256 vs 512×512/));
  assert.throws(() => readDicomSeries([a[0], { ...a[0], name: 'copy.dcm' }]), refused(/lie at the same position/));
});
