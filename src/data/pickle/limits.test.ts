// Hostile structure inside a pickle: the memo walk is iterative, shares work, survives cycles,
// and every length or count is bounded before anything is allocated (issue 13).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FlowsegInputError } from '../../util/errors.js';
import { StreamingUnpickler } from './unpickler.js';
import type { PyDict, PyTuple, PyValue } from './values.js';

const OP = {
  PROTO: 0x80,
  STOP: 0x2e,
  MARK: 0x28,
  EMPTY_DICT: 0x7d,
  EMPTY_LIST: 0x5d,
  APPEND: 0x61,
  LIST: 0x6c,
  SETITEMS: 0x75,
  BINPUT: 0x71,
  BINGET: 0x68,
  POP: 0x30,
  BININT1: 0x4b,
  LONG4: 0x8b,
  BINBYTES: 0x42,
};
const key = (s: string): number[] => [0x8c, s.length, ...Buffer.from(s)];

/**
 * `{k0: [v0], k1: [v1], …}`, protocol 4. Each value is wrapped in a MARK … LIST so that its
 * construction happens above the root batch (the streaming unpickler hands a root value out
 * as soon as a third item sits on the root batch's stack).
 */
function dictPickle(values: number[][]): Buffer {
  const body = values.flatMap((v, i) => [...key(`k${i}`), OP.MARK, ...v, OP.LIST]);
  return Buffer.from([OP.PROTO, 4, OP.EMPTY_DICT, OP.MARK, ...body, OP.SETITEMS, OP.STOP]);
}

function entriesOf(bytes: Buffer): [unknown, unknown][] {
  const dir = mkdtempSync(join(tmpdir(), 'flowseg-pickle-limits-'));
  try {
    writeFileSync(join(dir, 'p.pickle'), bytes);
    return [...new StreamingUnpickler(join(dir, 'p.pickle')).entries()];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const refused =
  (re: RegExp) =>
  (e: unknown): boolean =>
    e instanceof FlowsegInputError && re.test(e.message);

test('a memo bomb (10^40 paths through 400 references) is walked once per object', () => {
  const bomb = [OP.EMPTY_LIST, OP.BINPUT, 0, OP.POP];
  for (let k = 1; k <= 40; k++)
    bomb.push(
      OP.MARK,
      ...Array(10)
        .fill([OP.BINGET, k - 1])
        .flat(),
      OP.LIST,
      OP.BINPUT,
      k,
      OP.POP,
    );
  bomb.push(OP.BINGET, 40);
  const started = performance.now();
  const entries = entriesOf(dictPickle([bomb, [OP.BININT1, 1]])); // the second entry makes the first be released
  assert.equal(entries.length, 2);
  assert.ok(performance.now() - started < 2000, 'the walk must not follow every path');
});

test('100k-deep nesting is refused by the depth limit, not by a stack overflow', () => {
  const deep = [...Array(100_000).fill(OP.EMPTY_LIST), ...Array(99_999).fill(OP.APPEND)];
  assert.throws(() => entriesOf(dictPickle([deep, [OP.BININT1, 1]])), refused(/nested more than 100 levels deep.*FLOWSEG_MAX_PICKLE_DEPTH/));
});

test('a self-referencing list terminates', () => {
  const cycle = [OP.EMPTY_LIST, OP.BINPUT, 0, OP.BINGET, 0, OP.APPEND];
  const [[, wrapped]] = entriesOf(dictPickle([cycle, [OP.BININT1, 1]]));
  const list = (wrapped as unknown[])[0];
  assert.ok(Array.isArray(list) && list[0] === list);
});

test('lengths are checked against the file before allocating; a negative LONG4 length is refused', () => {
  assert.throws(
    () => entriesOf(Buffer.from([OP.PROTO, 3, OP.BINBYTES, 0xff, 0xff, 0xff, 0xff, 1, 2])),
    refused(/claims 4294967295 byte\(s\) but only 2 remain/),
  );
  assert.throws(() => entriesOf(Buffer.from([OP.PROTO, 3, OP.LONG4, 0xfb, 0xff, 0xff, 0xff])), refused(/LONG4 integer has a negative length -5/));
});

test('memo references and objects per entry are bounded (env overrides apply)', () => {
  const refs = [OP.EMPTY_LIST, OP.BINPUT, 0, OP.POP, OP.MARK, ...Array(50).fill([OP.BINGET, 0]).flat(), OP.LIST];
  const old = process.env.FLOWSEG_MAX_PICKLE_MEMO_REFS;
  process.env.FLOWSEG_MAX_PICKLE_MEMO_REFS = '20';
  try {
    assert.throws(() => entriesOf(dictPickle([refs])), refused(/more than 20 memo references/));
  } finally {
    if (old === undefined) delete process.env.FLOWSEG_MAX_PICKLE_MEMO_REFS;
    else process.env.FLOWSEG_MAX_PICKLE_MEMO_REFS = old;
  }
  assert.equal(entriesOf(dictPickle([refs])).length, 1); // the default admits it
});

test('top-level values of any shape stream correctly (one-item dicts and lists, tuples, REDUCE values)', () => {
  const py = spawnSync('/usr/bin/python3', [
    '-c',
    [
      'import pickle, sys',
      "d = {'a': {'x': 1}, 'b': (1, 'two', [3]), 'c': [5], 'd': {'y': 2, 'z': [3, 4]}}",
      "d.update({f'k{i}': {'v': i, 'w': [i] * 2} for i in range(1500)})",
      'sys.stdout.buffer.write(pickle.dumps(d, protocol=4))',
    ].join('\n'),
  ]);
  assert.equal(py.status, 0, `/usr/bin/python3 failed (setup installs python3): ${py.stderr}`);
  const entries = new Map(entriesOf(py.stdout) as [string, PyValue][]);
  assert.equal(entries.size, 1504);
  assert.equal((entries.get('a') as PyDict).get('x'), 1);
  assert.deepEqual((entries.get('b') as PyTuple).items, [1, 'two', [3]]);
  assert.deepEqual(entries.get('c'), [5]);
  assert.deepEqual((entries.get('d') as PyDict).get('z'), [3, 4]);
  assert.deepEqual((entries.get('k1499') as PyDict).get('w'), [1499, 1499]);
});
