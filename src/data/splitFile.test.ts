import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { FlowsegInputError } from '../util/errors.js';
import { readSplitFile, splitFromFolds } from './splitFile.js';

const scratch = mkdtempSync(join(tmpdir(), 'flowseg-splitfile-test-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

// Two 2D cases, one 3D case as slices, and case_d that no fold names.
const dataset = {
  ids: ['case_a', 'vol_c/slice-0', 'case_b', 'vol_c/slice-1', 'case_d'],
  patientIds: ['case_a', 'vol_c', 'case_b', 'vol_c', 'case_d'],
};
const folds = [
  { train: ['case_a', 'vol_c'], val: ['case_b'] },
  { train: ['case_b', 'vol_c'], val: ['case_a'] },
];

test('split file: fold k → train/val indices in storage order; a 3D case selects its slices; unlisted items → test', () => {
  assert.deepEqual(splitFromFolds(folds, 0, dataset), { train: [0, 1, 3], val: [2], test: [4], folds: 2 });
  const all = [...folds, { train: ['case_a', 'case_b', 'case_d'], val: ['vol_c'] }];
  assert.deepEqual(splitFromFolds(all, 2, dataset), { train: [0, 2, 4], val: [1, 3], folds: 3 }); // no test key
  const file = join(scratch, 'splits_final.json');
  writeFileSync(file, JSON.stringify(folds));
  assert.deepEqual(readSplitFile(file, 1, dataset).val, [0]);
});

test('split file: patient ids select items too (e.g. LIDC patients with nodule/slice ids)', () => {
  const lidc = { ids: ['s1_slice0', 's1_slice1', 's2_slice0'], patientIds: ['P1', 'P1', 'P2'] };
  assert.deepEqual(splitFromFolds([{ train: ['P1'], val: ['P2'] }], 0, lidc), { train: [0, 1], val: [2], folds: 1 });
});

test('split file bad input: one-line errors naming the file, fold and case', () => {
  const rejects = (json: unknown, fold: number, pattern: RegExp, ds = dataset) =>
    assert.throws(
      () => splitFromFolds(json, fold, ds, 'splits_final.json'),
      (e: unknown) => e instanceof FlowsegInputError && pattern.test(e.message) && !e.message.includes('\n'),
    );
  rejects(folds, 2, /--fold 2: splits_final\.json has 2 fold\(s\), numbered 0…1/);
  rejects(folds, -1, /--fold -1/);
  rejects({ train: [] }, 0, /splits_final\.json: \(top level\): Expected array, received object; expected nnU-Net's list of folds/);
  rejects([{ train: ['case_a'] }], 0, /splits_final\.json: \[0\]\[val\]: Required/);
  rejects([{ train: ['case_a', 'nope'], val: ['case_b'] }], 0, /fold 0 "train" names case "nope", which the dataset does not have/);
  rejects([{ train: ['case_a'], val: ['case_a'] }], 0, /fold 0 lists case "case_a" in both "train" and "val"/);
  rejects([{ train: ['vol_c'], val: ['vol_c/slice-1'] }], 0, /item "vol_c\/slice-1" is selected by both a "train" and a "val" case/);
  const shared = { ids: ['x1', 'x2'], patientIds: ['P', 'P'] };
  rejects([{ train: ['x1'], val: ['x2'] }], 0, /patient "P" has cases in both "train" and "val" \(e\.g\. "x2"\)/, shared);
  assert.throws(() => readSplitFile(join(scratch, 'missing.json'), 0, dataset), /--split-file .*missing\.json: no such file/);
  const bad = join(scratch, 'bad.json');
  writeFileSync(bad, '[{"train": [');
  assert.throws(() => readSplitFile(bad, 0, dataset), /--split-file .*bad\.json: cannot read it as JSON/);
});
