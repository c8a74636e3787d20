// Hostile pickles for --format lidc-pickle: memo bombs, deep nesting, cycles, lying lengths,
// impossible arrays, and globals that would run code if anything were executed (nothing is:
// the test checks that no file appears).
import { lidcEntry, lidcPickle, P, PickleWriter } from './encoders.mjs';

const pickleCase = (name, file, stderr) => ({
  name: `pickle-${name}`,
  files: { 'in.pickle': file },
  argv: ['prepare', '--format', 'lidc-pickle', '{dir}/in.pickle', '--out', '{out}'],
  expect: { exit: 2, stderr },
});
/** One entry whose 'masks' value is written by `masks(p)`. */
const badMasks = (masks) => () => lidcPickle([lidcEntry('e0', { masks })]);
/** A valid entry that also holds `extra(p)` under 'extra': read, delivered, then walked by the streaming memo. */
const withExtra = (extra) => () => lidcPickle([lidcEntry('e0', { extra })]);
/** A pickle that calls `module.name(arg)` via GLOBAL + REDUCE, as an exploit would. */
const exploit =
  (module, name, arg, stack = false) =>
  (ctx) => {
    const p = new PickleWriter().op(P.PROTO, 4);
    if (stack) p.str(module).str(name).op(P.STACK_GLOBAL);
    else p.global(module, name);
    return p.str(arg(ctx)).op(P.TUPLE1).op(P.REDUCE).op(P.STOP).toBuffer();
  };
const pwned = (ctx) => `touch ${ctx.dir}/PWNED`;

export const pickleCases = [
  // L0 = []; L(k+1) = [Lk] * 10, 40 levels: 10^40 paths through 400 references.
  pickleCase(
    'memo-bomb-in-masks',
    badMasks((p) => {
      p.op(P.EMPTY_LIST).put(200).op(P.POP);
      for (let k = 1; k <= 40; k++) {
        p.op(P.MARK);
        for (let i = 0; i < 10; i++) p.get(200 + k - 1);
        p.op(P.LIST)
          .put(200 + k)
          .op(P.POP);
      }
      p.get(240);
    }),
    /mask 0 is not a numpy array/,
  ),
  pickleCase(
    'memo-refs-200k',
    withExtra((p) => {
      p.op(P.EMPTY_LIST).put(300).op(P.MARK);
      for (let i = 0; i < 200_000; i++) p.get(300);
      p.op(P.LIST);
    }),
    /more than 100000 memo references.*FLOWSEG_MAX_PICKLE_MEMO_REFS/,
  ),
  pickleCase(
    'nesting-100k-deep',
    withExtra((p) => {
      for (let i = 0; i < 100_000; i++) p.op(P.EMPTY_LIST);
      for (let i = 1; i < 100_000; i++) p.op(P.APPEND);
    }),
    /nested more than 100 levels deep.*FLOWSEG_MAX_PICKLE_DEPTH/,
  ),
  pickleCase(
    'mark-nesting-100k',
    withExtra((p) => {
      for (let i = 0; i < 100_000; i++) p.op(P.MARK);
    }),
    /MARKs nested more than 100 deep/,
  ),
  pickleCase(
    'self-referencing-list',
    badMasks((p) => p.op(P.EMPTY_LIST).put(250).get(250).op(P.APPEND)),
    /mask 0 is not a numpy array/,
  ),
  pickleCase(
    'set-of-200k-items',
    badMasks((p) => {
      p.op(P.EMPTY_SET).op(P.MARK);
      for (let i = 0; i < 200_000; i++) p.op(P.NONE);
      p.op(P.ADDITEMS);
    }),
    /has no list of rater 'masks'/,
  ),
  pickleCase(
    'objects-over-limit',
    withExtra((p) => {
      p.op(P.MARK);
      for (let i = 0; i < 1_000_100; i++) p.op(P.NONE);
      p.op(P.TUPLE);
    }),
    /creates more than 1000000 objects.*FLOWSEG_MAX_PICKLE_OBJECTS/,
  ),
  pickleCase(
    'mask-referenced-20000-times',
    badMasks((p) => {
      p.op(P.EMPTY_LIST).op(P.MARK).ndarray([4, 4], '|u1', Buffer.alloc(16)).put(251);
      for (let i = 1; i < 20_000; i++) p.get(251);
      p.op(P.APPENDS);
    }),
    /entry 'e0' has 20000 rater masks.*FLOWSEG_MAX_RATERS/,
  ),
  pickleCase(
    'binbytes-4gb-length',
    () => new PickleWriter().op(P.PROTO, 3).op(P.EMPTY_DICT).op(P.BINBYTES).u32(0xffffffff).raw(Buffer.alloc(16)).toBuffer(),
    /claims 4294967295 byte\(s\) but only 16 remain/,
  ),
  pickleCase(
    'binbytes8-2pow50-length',
    () =>
      new PickleWriter()
        .op(P.PROTO, 4)
        .op(P.BINBYTES8)
        .u64(2 ** 50)
        .toBuffer(),
    /claims 1125899906842624 byte\(s\)/,
  ),
  pickleCase(
    'binbytes8-2pow63-length',
    () =>
      new PickleWriter()
        .op(P.PROTO, 4)
        .op(P.BINBYTES8)
        .u64(2n ** 63n)
        .toBuffer(),
    /impossibly large/,
  ),
  pickleCase(
    'binunicode8-huge-length',
    () =>
      new PickleWriter()
        .op(P.PROTO, 4)
        .op(P.BINUNICODE8)
        .u64(2 ** 40)
        .toBuffer(),
    /claims 1099511627776 byte\(s\)/,
  ),
  pickleCase('long4-negative-length', () => new PickleWriter().op(P.PROTO, 3).op(P.LONG4).i32(-5).toBuffer(), /LONG4 integer has a negative length -5/),
  pickleCase(
    'long4-1mb',
    () =>
      new PickleWriter()
        .op(P.PROTO, 3)
        .op(P.LONG4)
        .i32(1 << 20)
        .raw(Buffer.alloc(1 << 20))
        .toBuffer(),
    /LONG4 integer is 1048576 bytes long/,
  ),
  pickleCase('binstring-negative-length', () => new PickleWriter().op(P.PROTO, 2).op(0x54).i32(-1).toBuffer(), /BINSTRING has a negative length -1/),
  pickleCase(
    'ndarray-100000-squared-64-bytes',
    () =>
      lidcPickle([
        (p) => {
          p.str('e0').op(P.EMPTY_DICT).op(P.MARK).str('image').ndarray([100000, 100000], '<f8', Buffer.alloc(64));
          p.str('masks').op(P.EMPTY_LIST).op(P.SETITEMS);
        },
      ]),
    /entry 'e0' image: image is 100000×100000 = 10,000,000,000 pixels/,
  ),
  pickleCase('ndarray-negative-shape', negativeShape, /shape must be a tuple of non-negative ints/),
  pickleCase(
    'dtype-f99',
    () => new PickleWriter().op(P.PROTO, 3).global('numpy', 'dtype').str('<f99').op(P.NEWFALSE, 0x88).op(P.TUPLE3).op(P.REDUCE).op(P.STOP).toBuffer(),
    /numpy dtype '<f99' has no such item size/,
  ),
  pickleCase(
    'object-dtype',
    () => new PickleWriter().op(P.PROTO, 3).global('numpy', 'dtype').str('O8').op(P.NEWFALSE, 0x88).op(P.TUPLE3).op(P.REDUCE).op(P.STOP).toBuffer(),
    /not a plain numeric type/,
  ),
  pickleCase(
    'ndarray-data-short',
    () =>
      lidcPickle([
        (p) => {
          p.str('e0').op(P.EMPTY_DICT).op(P.MARK).str('image').ndarray([4, 4], '<f8', Buffer.alloc(8));
          p.str('masks').op(P.EMPTY_LIST).op(P.MARK).ndarray([4, 4], '|u1', Buffer.alloc(16)).op(P.APPENDS).op(P.SETITEMS);
        },
      ]),
    /ndarray data holds 8 bytes, expected 128/,
  ),
  pickleCase(
    'mask-value-2',
    () =>
      lidcPickle([
        (p) => {
          p.str('e0').op(P.EMPTY_DICT).op(P.MARK).str('image').ndarray([4, 4], '<f8', Buffer.alloc(128));
          p.str('masks').op(P.EMPTY_LIST).op(P.MARK).ndarray([4, 4], '|u1', Buffer.alloc(16, 2)).op(P.APPENDS).op(P.SETITEMS);
        },
      ]),
    /mask 0 holds the value 2/,
  ),
  pickleCase(
    'array-shared-across-entries',
    () =>
      lidcPickle([
        (p) => {
          p.str('e0').op(P.EMPTY_DICT).op(P.MARK).str('image').ndarray([4, 4], '<f8', Buffer.alloc(128)).put(240);
          p.str('masks').op(P.EMPTY_LIST).op(P.MARK).ndarray([4, 4], '|u1', Buffer.alloc(16)).op(P.APPENDS).op(P.SETITEMS);
        },
        (p) => {
          p.str('e1').op(P.EMPTY_DICT).op(P.MARK).str('image').get(240);
          p.str('masks').op(P.EMPTY_LIST).op(P.SETITEMS);
        },
      ]),
    /re-uses an array of an earlier dict entry/,
  ),
  pickleCase('exploit-os-system', exploit('os', 'system', pwned), /names the Python global 'os\.system'.*refuses to load/),
  pickleCase('exploit-posix-system-stack-global', exploit('posix', 'system', pwned, true), /names the Python global 'posix\.system'/),
  pickleCase(
    'exploit-builtins-eval',
    exploit('builtins', 'eval', (ctx) => `open('${ctx.dir}/PWNED','w')`),
    /'builtins\.eval'/,
  ),
  pickleCase('exploit-subprocess-popen', exploit('subprocess', 'Popen', pwned), /'subprocess\.Popen'/),
  pickleCase(
    'exploit-numpy-load',
    exploit('numpy', 'load', (ctx) => `${ctx.dir}/x.npy`),
    /'numpy\.load'/,
  ),
  pickleCase('protocol-6', () => Buffer.from([P.PROTO, 6, P.NONE, P.STOP]), /pickle protocol 6 is newer than 5/),
  pickleCase('text-protocol-0', () => Buffer.from("(dp0\nS'a'\np1\nI1\ns.", 'latin1'), /unsupported opcode 0x70/),
  pickleCase('unknown-opcode', () => Buffer.from([P.PROTO, 4, 0xff]), /unsupported opcode 0xff/),
  pickleCase('memo-get-before-put', () => Buffer.from([P.PROTO, 3, P.BINGET, 9, P.STOP]), /memo slot 9 is referenced before it is set/),
  pickleCase('truncated', () => lidcPickle([lidcEntry('e0')]).subarray(0, 100), /in\.pickle is truncated/),
  pickleCase('root-is-a-list', () => Buffer.from([P.PROTO, 3, P.EMPTY_LIST, P.STOP]), /holds a list, expected a dict of slices/),
  pickleCase('empty-dict', () => Buffer.from([P.PROTO, 3, P.EMPTY_DICT, P.STOP]), /the pickle's dict is empty/),
  pickleCase('empty-file', Buffer.alloc(0), /in\.pickle is truncated/),
];

/** An entry whose image's BUILD state carries the shape (-1, 4). */
function negativeShape() {
  const p = new PickleWriter().op(P.PROTO, 3).op(P.EMPTY_DICT).op(P.MARK).str('e0').op(P.EMPTY_DICT).op(P.MARK).str('image');
  p.global('numpy.core.multiarray', '_reconstruct')
    .global('numpy', 'ndarray')
    .int(0)
    .op(P.TUPLE1)
    .raw(Buffer.from([0x43, 1, 0x62]))
    .op(P.TUPLE3)
    .op(P.REDUCE);
  p.op(P.MARK).int(1).op(P.MARK).op(P.BININT).i32(-1).int(4).op(P.TUPLE);
  p.global('numpy', 'dtype').str('<f8').op(P.NEWFALSE, 0x88).op(P.TUPLE3).op(P.REDUCE);
  p.op(P.NEWFALSE).bytes(Buffer.alloc(32)).op(P.TUPLE).op(P.BUILD);
  return p.op(P.SETITEMS).op(P.SETITEMS).op(P.STOP).toBuffer();
}

/** Values that never stream (plain arrays in one SETITEMS batch) are bounded by bytes held, not by the file size. */
pickleCases.push({
  ...pickleCase(
    'unstreamable-values',
    () => lidcPickle(Array.from({ length: 12 }, (_, i) => (p) => p.str(`k${i}`).ndarray([512, 512], '<f8', Buffer.alloc(8 * 512 * 512)))),
    /without completing a dict entry.*FLOWSEG_MAX_PICKLE_ENTRY_BYTES/,
  ),
  env: { FLOWSEG_MAX_PICKLE_ENTRY_BYTES: String(8 * 2 ** 20) }, // the default 512 MiB would need a 512 MB file
});

/** Distinct memo slots grow the memo for the whole file (here with the limit lowered to 1000). */
pickleCases.push({
  ...pickleCase(
    'memo-slots-over-limit',
    () => {
      const p = new PickleWriter().op(P.PROTO, 4).op(P.NONE);
      for (let i = 0; i < 2000; i++) p.op(P.LONG_BINPUT).u32(i);
      return p.op(P.STOP).toBuffer();
    },
    /memoizes more than 1000 objects.*FLOWSEG_MAX_PICKLE_MEMO/,
  ),
  env: { FLOWSEG_MAX_PICKLE_MEMO: '1000' },
});
