import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { FlowsegInputError } from '../../util/errors.js';
import { PickleShapeError } from './globals.js';
import { StreamingUnpickler, type UnpicklerHooks } from './unpickler.js';
import { PyDict, type PyValue } from './values.js';

// Hand-assembled protocol-2 pickles (CPython Lib/pickle.py opcodes), so each hook is exercised alone.
const dir = mkdtempSync(join(tmpdir(), 'flowseg-pickle-hooks-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const str = (s: string): number[] => [0x58, s.length, 0, 0, 0, ...Buffer.from(s, 'latin1')]; // BINUNICODE
const global = (module: string, name: string): number[] => [0x63, ...Buffer.from(`${module}\n${name}\n`, 'latin1')]; // GLOBAL
const PROTO2 = [0x80, 2];
const [EMPTY_DICT, MARK, SETITEMS, STOP, REDUCE, TUPLE1, TUPLE2, BININT1, BINPERSID, BUILD] = [0x7d, 0x28, 0x75, 0x2e, 0x52, 0x85, 0x86, 0x4b, 0x51, 0x62];

let files = 0;
function entries(bytes: number[], hooks?: UnpicklerHooks): [PyValue, PyValue][] {
  const path = join(dir, `p${files++}.pickle`);
  writeFileSync(path, Uint8Array.from(bytes));
  return [...new StreamingUnpickler(path, hooks).entries()];
}

// {'a': mymod.twice(5), 'b': <persistent id 'pid'>}
const REDUCED_AND_PERSISTENT = [
  ...PROTO2,
  EMPTY_DICT,
  MARK,
  ...str('a'),
  ...global('mymod', 'twice'),
  BININT1,
  5,
  TUPLE1,
  REDUCE,
  ...str('b'),
  ...str('pid'),
  BINPERSID,
  SETITEMS,
  STOP,
];
const twice = new Map([['mymod.twice', (a: readonly PyValue[]) => 2 * (a[0] as number)]]);

test('hooks: an added global is called by REDUCE and a persistent id goes through persistentLoad', () => {
  const got = entries(REDUCED_AND_PERSISTENT, { globals: twice, persistentLoad: (pid) => `loaded ${pid}` });
  assert.deepEqual(got, [
    ['a', 10],
    ['b', 'loaded pid'],
  ]);
});

test('without hooks the same pickle is refused: the global by name, BINPERSID as an unsupported opcode', () => {
  assert.throws(
    () => entries(REDUCED_AND_PERSISTENT),
    (e: unknown) => e instanceof FlowsegInputError && /names the Python global 'mymod\.twice'/.test(e.message),
  );
  assert.throws(
    () => entries(REDUCED_AND_PERSISTENT, { globals: twice }),
    (e: unknown) => e instanceof FlowsegInputError && /unsupported opcode 0x51/.test(e.message),
  );
});

test('a global added as only referenced (null) cannot be called; a stand-in’s PickleShapeError names the file and byte', () => {
  assert.throws(
    () => entries(REDUCED_AND_PERSISTENT, { globals: new Map([['mymod.twice', null]]), persistentLoad: () => 0 }),
    (e: unknown) => e instanceof FlowsegInputError && /cannot call mymod\.twice \(at byte \d+\)/.test(e.message),
  );
  const refuse = new Map([
    [
      'mymod.twice',
      () => {
        throw new PickleShapeError('twice wants an int');
      },
    ],
  ]);
  assert.throws(() => entries(REDUCED_AND_PERSISTENT, { globals: refuse, persistentLoad: () => 0 }), /p\d+\.pickle: twice wants an int/);
});

test('dropDictState: BUILD on a dict (an OrderedDict’s _metadata) is dropped instead of refused', () => {
  // {'k': {}} where the inner dict gets BUILD({})
  const bytes = [...PROTO2, EMPTY_DICT, MARK, ...str('k'), EMPTY_DICT, EMPTY_DICT, BUILD, SETITEMS, STOP];
  assert.throws(() => entries(bytes), /cannot set the state of PyDict/);
  const [[k, v]] = entries(bytes, { dropDictState: true }) as [[PyValue, PyValue]];
  assert.equal(k, 'k');
  assert.ok(v instanceof PyDict && v.map.size === 0);
});

test('entriesAtSetItems: a REDUCE value whose arguments hold a key and a fresh dict is not handed out early', () => {
  // {'k0': m.f('x', {'y': 1})}: at the MARK that fills {'y': 1}, the root batch reads k0 G 'x' {} — the
  // streaming rule (a key and a fresh container after a complete pair) would take (k0, G) as done.
  const bytes = [
    ...PROTO2,
    EMPTY_DICT,
    MARK,
    ...str('k0'),
    ...global('m', 'f'),
    ...str('x'),
    EMPTY_DICT,
    MARK,
    ...str('y'),
    BININT1,
    1,
    SETITEMS,
    TUPLE2,
    REDUCE,
    SETITEMS,
    STOP,
  ];
  const f = new Map([['m.f', (a: readonly PyValue[]) => `${a[0]}:${(a[1] as PyDict).get('y')}`]]);
  assert.throws(() => entries(bytes, { globals: f }), /stack underflow/);
  assert.deepEqual(entries(bytes, { globals: f, entriesAtSetItems: true }), [['k0', 'x:1']]);
});
