import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { PNG } from 'pngjs';
import { parseNpyHeader } from '../data/npzFormat.js';
import { flipXY, sliceAffine } from '../scan/affine.js';
import { clickCrop } from '../scan/click.js';
import { pasteBack } from '../scan/crop.js';
import { readDicomSeries } from '../scan/dicomSeries.js';
import { readNiftiVolume } from '../scan/niftiVolume.js';
import { fixtureCrop, writeCtSeries } from '../testing/ctSeries.js';
import { calibrateRun, trainTinyRun, writeTestPng } from '../testing/tinyRun.js';
import { runCli } from '../testing/cli.js';

const flowseg = (...args: string[]) => runCli(args);
const ok = (...args: string[]): string => {
  const r = flowseg(...args);
  assert.equal(r.status, 0, `flowseg ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};
const refused = (re: RegExp, ...args: string[]): void => {
  const r = flowseg(...args);
  assert.equal(r.status, 2, r.stderr);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, re);
};

function writeGrayPng(path: string, values: Float32Array, size: number): void {
  const png = new PNG({ width: size, height: size });
  for (let i = 0; i < size * size; i++) {
    png.data.fill(Math.round(values[i] * 255), 4 * i, 4 * i + 3);
    png.data[4 * i + 3] = 255;
  }
  writeFileSync(path, PNG.sync.write(png, { colorType: 0 }));
}

test('sample --image <DICOM series folder> --at x,y,z: crop outputs, and full-slice NIfTI maps on the lesion with the series affine (torch = onnx)', async () => {
  const run = trainTinyRun('probunet', 'planar'); // a 16×16 model: its crop lies inside the 34-pixel nodule
  const dir = dirname(run);
  const crop = fixtureCrop();
  const [x0, y0, k] = [301, 97, 2];
  const files = writeCtSeries({ crop, x0, y0, k, slices: 4, shuffleSeed: 5 });
  mkdirSync(join(dir, 'ct'));
  for (const f of files) writeFileSync(join(dir, 'ct', f.name), f.bytes);
  const volume = readDicomSeries(files);
  const at = { x: x0 + 64, y: y0 + 64, k };
  writeGrayPng(join(dir, 'input.png'), clickCrop(volume, at, 16).input, 16); // the exact model input, for the calibration
  await calibrateRun(run, join(dir, 'input.png'));
  ok('export', '--checkpoint', run, '--out', join(dir, 'model.onnx'));

  const atFlag = `${at.x},${at.y},${at.k}`;
  const summary = JSON.parse(
    ok('sample', '--checkpoint', run, '--image', join(dir, 'ct'), '--at', atFlag, '-n', '8', '--seed', '3', '--out', join(dir, 'torch'), '--json'),
  );
  assert.deepEqual(summary.fullSlice, ['labels.nii.gz', 'mean.nii.gz', 'std.nii.gz', 'entropy.nii.gz']);
  ok(
    'sample',
    '--engine',
    'onnx',
    '--checkpoint',
    join(dir, 'model.onnx'),
    '--image',
    join(dir, 'ct'),
    '--at',
    atFlag,
    '-n',
    '8',
    '--seed',
    '3',
    '--out',
    join(dir, 'onnx'),
  );
  for (let s = 0; s < 8; s++) {
    const f = `sample-0${s}.png`;
    assert.ok(readFileSync(join(dir, 'torch', f)).equals(readFileSync(join(dir, 'onnx', f))), `${f} differs between engines`);
  }
  const meta = JSON.parse(readFileSync(join(dir, 'torch', 'samples.json'), 'utf8'));
  assert.deepEqual(meta.at, at);
  assert.deepEqual(meta.crop, { x0: at.x - 8, y0: at.y - 8, size: 16 });

  // The lesion on the slice grid: any rater's mask, where the crop was placed.
  const anyRater = Uint8Array.from(crop.masks[0], (_, i) => (crop.masks.some((m) => m[i] === 1) ? 1 : 0));
  const lesion = pasteBack(anyRater, { x0, y0, size: 128 }, 512, 512);
  const expectedAffine = flipXY(sliceAffine(volume.affine, k));
  const npy = (name: string): Float32Array => {
    const b = readFileSync(join(dir, 'torch', `${name}.npy`));
    const h = parseNpyHeader(new Uint8Array(b.buffer, b.byteOffset, b.length));
    return new Float32Array(b.buffer.slice(b.byteOffset + h.dataOffset, b.byteOffset + b.length));
  };
  for (const name of ['labels', 'mean', 'std', 'entropy']) {
    const v = readNiftiVolume({ name, bytes: readFileSync(join(dir, 'torch', `${name}.nii.gz`)) });
    assert.deepEqual([v.nx, v.ny, v.nz, v.frame], [512, 512, 1, 'RAS']);
    assert.ok(
      v.affine.every((a, i) => Math.abs(a - expectedAffine[i]) < 1e-4),
      `${name} affine ${v.affine}`,
    );
    let nonzero = 0;
    for (let p = 0; p < v.voxels.length; p++) {
      if (v.voxels[p] === 0) continue;
      nonzero++;
      assert.equal(lesion[p], 1, `${name}: nonzero voxel (${p % 512}, ${Math.floor(p / 512)}) off the lesion`);
    }
    if (name !== 'labels') {
      assert.ok(nonzero > 0, `${name} is empty`);
      const window = npy(name); // the crop map, pasted at the click: the same numbers
      for (let y = 0; y < 16; y++) for (let x = 0; x < 16; x++) assert.equal(v.voxels[(at.y - 8 + y) * 512 + at.x - 8 + x], window[y * 16 + x]);
    }
  }
  const labels = readNiftiVolume({ name: 'labels', bytes: readFileSync(join(dir, 'torch', 'labels.nii.gz')) }).voxels;
  const fg = meta.foreground as number[];
  assert.ok(labels.some((x) => x === 1) || fg.filter((f) => f > 0).length <= 4, 'majority labels follow the samples');

  // Refusals: one line, exit 2, nothing written.
  refused(/ct is 512×512 but the model takes 16×16: give --at x,y/, 'sample', '--checkpoint', run, '--image', join(dir, 'ct'), '--out', join(dir, 'no'));
  refused(
    /--at: the point \(600, 10\) is outside the 512×512 image/,
    'sample',
    '--checkpoint',
    run,
    '--image',
    join(dir, 'ct'),
    '--at',
    '600,10,1',
    '--out',
    join(dir, 'no'),
  );
  refused(
    /--resize reads PNG\/JPEG and 2-D NIfTI; for the DICOM/,
    'sample',
    '--checkpoint',
    run,
    '--image',
    join(dir, 'ct'),
    '--resize',
    '--out',
    join(dir, 'no'),
  );
  assert.ok(!existsSync(join(dir, 'no')));
  rmSync(dir, { recursive: true });
});

test('sample on a PNG: the model size needs no --at; larger needs --at (or --resize), never a silent resize', () => {
  const run = trainTinyRun('probunet', 'none', 2);
  const dir = dirname(run);
  writeTestPng(join(dir, 'small.png'), 16);
  writeTestPng(join(dir, 'big.png'), 40);
  ok('sample', '--checkpoint', run, '--image', join(dir, 'small.png'), '-n', '2', '--out', join(dir, 'a'));
  refused(
    /big\.png is 40×40 but the model takes 16×16: give --at x,y .* or --resize/,
    'sample',
    '--checkpoint',
    run,
    '--image',
    join(dir, 'big.png'),
    '--out',
    join(dir, 'b'),
  );
  const atOut = JSON.parse(ok('sample', '--checkpoint', run, '--image', join(dir, 'big.png'), '--at', '20,20', '-n', '2', '--out', join(dir, 'c'), '--json'));
  assert.equal(atOut.n, 2);
  ok('sample', '--checkpoint', run, '--image', join(dir, 'big.png'), '--resize', '-n', '2', '--out', join(dir, 'd'));
  refused(/--at-mm needs a scan with geometry/, 'sample', '--checkpoint', run, '--image', join(dir, 'big.png'), '--at-mm', '1,2,3', '--out', join(dir, 'e'));
  rmSync(dir, { recursive: true });
});
