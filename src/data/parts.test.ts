import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../testing/cli.js';
import { tarOf, tinyTreeFiles, writeTree } from './lidcPngTree.fixture.js';
import { readLidcPng } from './lidcPngTree.js';
import { type PartCount, readParts } from './parts.js';

const flowseg = (...args: string[]) => runCli(args);

/** The tiny tree with its patients renamed P-<p> → P-<p + offset>. */
function shiftedTree(offset: number, patients: number): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const [rel, bytes] of tinyTreeFiles({ patients }))
    files.set(
      rel.replace(/^P-(\d+)/, (_, p) => `P-${Number(p) + offset}`),
      bytes,
    );
  return files;
}

test('readParts streams the parts in order and counts each', async () => {
  const a = writeTree(shiftedTree(0, 2));
  const b = writeTree(shiftedTree(2, 1));
  try {
    const counts: PartCount[] = [];
    const patients: string[] = [];
    for await (const item of readParts(readLidcPng, [a, b], {}, counts)) patients.push(item.patientId);
    // tiny tree: 2 nodules × 3 slices per patient
    assert.deepEqual(counts, [
      { input: a, items: 12, patients: 2 },
      { input: b, items: 6, patients: 1 },
    ]);
    assert.deepEqual([...new Set(patients)], ['P-0', 'P-1', 'P-2']);
  } finally {
    rmSync(a, { recursive: true });
    rmSync(b, { recursive: true });
  }
});

test('readParts refuses a patient found in two parts, naming both', async () => {
  const a = writeTree(shiftedTree(0, 2));
  const b = writeTree(shiftedTree(1, 1)); // P-1 again
  try {
    await assert.rejects(
      async () => {
        for await (const _ of readParts(readLidcPng, [a, b], {})) void _;
      },
      (err: Error) => err.message === `patient P-1 is in two parts, ${a} and ${b}; give each patient's slices in one part only`,
    );
  } finally {
    rmSync(a, { recursive: true });
    rmSync(b, { recursive: true });
  }
});

test('readParts --limit counts over all parts', async () => {
  const a = writeTree(shiftedTree(0, 1));
  const b = writeTree(shiftedTree(1, 1));
  try {
    const counts: PartCount[] = [];
    let n = 0;
    for await (const _ of readParts(readLidcPng, [a, b], { limit: 8 }, counts)) n++;
    assert.equal(n, 8);
    assert.deepEqual(
      counts.map((c) => c.items),
      [6, 2],
    );
  } finally {
    rmSync(a, { recursive: true });
    rmSync(b, { recursive: true });
  }
});

test('prepare joins a folder and a tar into one dataset; data info lists the parts; an overlap exits 2 with nothing written', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowseg-parts-'));
  try {
    const folder = writeTree(shiftedTree(0, 2), join(dir, 'png'));
    const tar = join(dir, 'more.tar');
    writeFileSync(tar, await tarOf(shiftedTree(2, 2)));
    const out = join(dir, 'joined');
    const r = flowseg('prepare', '--format', 'lidc-png', folder, tar, '--out', out, '--json');
    assert.equal(r.status, 0, r.stderr);
    const summary = JSON.parse(r.stdout);
    assert.deepEqual([summary.items, summary.patients], [24, 4]);
    assert.deepEqual(summary.parts, [
      { input: folder, items: 12, patients: 2 },
      { input: tar, items: 12, patients: 2 },
    ]);
    const index = JSON.parse(readFileSync(join(out, 'index.json'), 'utf8'));
    assert.equal(index.source.input, `${folder}, ${tar}`);
    assert.equal(index.source.parts.length, 2);
    const info = flowseg('data', 'info', out);
    assert.equal(info.status, 0, info.stderr);
    assert.match(info.stdout, new RegExp(`part 2 +${tar}: 2 patients, 12 slices`));

    const bad = join(dir, 'bad');
    const again = writeTree(shiftedTree(1, 1), join(dir, 'again')); // P-1, also in the folder
    const overlap = flowseg('prepare', '--format', 'lidc-png', folder, tar, again, '--out', bad);
    assert.equal(overlap.status, 2);
    assert.equal(overlap.stderr.trim().split('\n').length, 1);
    assert.match(overlap.stderr, /patient P-1 is in two parts, .*png and .*again;/);
    assert.ok(!existsSync(bad));
    const twice = flowseg('prepare', '--format', 'lidc-png', folder, folder, '--out', bad);
    assert.equal(twice.status, 2);
    assert.match(twice.stderr, /png is given twice; name each part once/);
    assert.ok(!existsSync(bad));
  } finally {
    rmSync(dir, { recursive: true });
  }
});
