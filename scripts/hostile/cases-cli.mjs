// Hostile checkpoints (safetensors), flags and environment, the view server, and run folders.
// Cases marked `pending` fail today in files helper C does not own; the test reports them as
// TODO (with the owner) instead of failing, and they turn into real assertions once fixed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateBomb, grayPng, safetensors, zip } from './encoders.mjs';

const sample = (checkpoint, extra = []) => ['sample', '--checkpoint', checkpoint, '--image', '{dir}/img.png', '--out', '{out}', ...extra];
const img = { 'img.png': grayPng(16, 16) };
const stCase = (name, header, stderr, dataBytes = 16) => ({
  name: `safetensors-${name}`,
  files: { ...img, 'ck.safetensors': safetensors(header, dataBytes) },
  argv: sample('{dir}/ck.safetensors'),
  expect: { exit: 2, stderr },
});
const w = (over) => ({ w: { dtype: 'F32', shape: [2], data_offsets: [0, 8], ...over } });

/** The tiny run's best checkpoint with its header edited by `edit(header)`. */
const editedCheckpoint = (edit) => (ctx) => {
  const bytes = readFileSync(join(ctx.run, 'checkpoint-best.safetensors'));
  const len = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + len).toString('utf8'));
  edit(header);
  let json = JSON.stringify(header);
  json += ' '.repeat(Math.max(0, len - json.length));
  if (json.length !== len) throw new Error('edited header must not grow');
  return Buffer.concat([bytes.subarray(0, 8), Buffer.from(json), bytes.subarray(8 + len)]);
};
/** A 1-patient prepared dataset written by hand (index.json + images.f32 + masks.u8). */
const onePatient = {
  'prep/index.json': JSON.stringify({
    format: 'flowseg-prepared',
    version: 1,
    source: { format: 'synthetic', input: 'x' },
    createdAt: '2026-01-01T00:00:00Z',
    shape: { items: 4, patients: 1, channels: 1, raters: 1, height: 16, width: 16 },
    files: { images: 'images.f32', masks: 'masks.u8' },
    ids: ['a', 'b', 'c', 'd'],
    patientIds: ['p', 'p', 'p', 'p'],
    nonEmptyRaters: [0, 0, 0, 0],
    summary: { imageRange: { min: 0, max: 0 }, foregroundFraction: 0 },
  }),
  'prep/images.f32': Buffer.alloc(4 * 256 * 4),
  'prep/masks.u8': Buffer.alloc(4 * 256),
};

export const cliCases = [
  stCase('reversed-offsets', w({ data_offsets: [8, 0] }), /ck\.safetensors: tensor 'w' has data_offsets \[8, 0\] in reverse order/),
  stCase('negative-offsets', w({ data_offsets: [-8, 0] }), /tensor 'w' has data_offsets \[-8,0\]/),
  stCase('offsets-out-of-range', w({ data_offsets: [0, 1e15] }), /truncated \(tensor 'w' runs past the end/),
  stCase('offsets-not-numbers', w({ data_offsets: ['a', 'b'] }), /tensor 'w' has data_offsets \["a","b"\]/),
  stCase('shape-string', w({ shape: 'huge' }), /tensor 'w' has shape "huge"/),
  stCase('shape-negative', w({ shape: [-2] }), /tensor 'w' has shape \[-2\]/),
  stCase('shape-overflow', w({ shape: [1e10, 1e10] }), /tensor 'w' has shape .* which overflows/),
  stCase('shape-size-mismatch', w({ shape: [3] }), /tensor 'w' holds 8 bytes but F32 \[3\] needs 12/),
  stCase('dtype-unknown', w({ dtype: 'F8_E4M3' }), /unsupported dtype "F8_E4M3"/),
  stCase('header-not-json', '{"w": {', /corrupt safetensors header \(invalid JSON\)/),
  stCase('header-array', [1, 2, 3], /header is not a JSON object/),
  {
    name: 'safetensors-header-length-huge',
    files: { ...img, 'ck.safetensors': Buffer.concat([Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]), Buffer.alloc(64)]) },
    argv: sample('{dir}/ck.safetensors'),
    expect: { exit: 2, stderr: /corrupt safetensors header length/ },
  },
  stCase('not-a-checkpoint', w({}), /not a flowseg checkpoint/),
  {
    name: 'checkpoint-param-stored-as-i32',
    needsRun: true,
    files: {
      ...img,
      'ck.safetensors': editedCheckpoint((h) => {
        const name = Object.keys(h).find((k) => k !== '__metadata__' && h[k].dtype === 'F32');
        h[name].dtype = 'I32';
      }),
    },
    argv: sample('{dir}/ck.safetensors'),
    expect: { exit: 2, stderr: /stored as (I32|int32) but the model expects (F32|float32)/ },
  },
  {
    name: 'checkpoint-config-wrong-types',
    needsRun: true,
    files: {
      ...img,
      'ck.safetensors': editedCheckpoint((h) => {
        h.__metadata__.config = JSON.stringify({ modelConfig: 'oops', seed: 'x' }).padEnd(h.__metadata__.config.length, ' ');
      }),
    },
    argv: sample('{dir}/ck.safetensors'),
    expect: { exit: 2, stderr: /ck\.safetensors \(config\): .*damaged/ },
  },
  {
    name: 'sample-n-200000',
    needsRun: true,
    files: img,
    argv: sample('{run}', ['-n', '200000']),
    expect: { exit: 2, stderr: /200000 samples per image is more than the limit of 1000.*FLOWSEG_MAX_SAMPLES/ },
  },
  {
    name: 'sample-n-zero',
    needsRun: true,
    files: img,
    argv: sample('{run}', ['-n', '0']),
    expect: { exit: 2, stderr: /expected a positive integer, got '0'/ },
  },
  { name: 'sample-n-junk', needsRun: true, files: img, argv: sample('{run}', ['-n', '1e999']), expect: { exit: 2, stderr: /expected a positive integer/ } },
  {
    name: 'evaluate-n-200000',
    needsRun: true,
    files: {},
    argv: ['evaluate', '--checkpoint', '{run}', '-n', '200000', '--out', '{out}'],
    expect: { exit: 2, stderr: /more than the limit of 1000/ },
  },
  {
    name: 'env-limit-not-a-number',
    files: { 'in/images/a.png': grayPng(4, 4), 'in/masks/a.png': grayPng(4, 4) },
    env: { FLOWSEG_MAX_PIXELS: 'lots' },
    argv: ['prepare', '--format', 'kvasir', '{dir}/in', '--out', '{out}'],
    expect: { exit: 2, stderr: /FLOWSEG_MAX_PIXELS=lots is not a positive integer/ },
  },
  {
    name: 'env-limit-lowered',
    files: { 'in/images/a.png': grayPng(64, 64), 'in/masks/a.png': grayPng(64, 64) },
    env: { FLOWSEG_MAX_PIXELS: '1000' },
    argv: ['prepare', '--format', 'kvasir', '{dir}/in', '--size', '16', '--out', '{out}'],
    expect: { exit: 2, stderr: /images\/a\.png: image is 64×64 = 4,096 pixels.*limit is 1,000/ },
  },
  {
    name: 'prepare-synthetic-size-100000',
    files: {},
    argv: ['prepare', '--format', 'synthetic', 'synthetic', '--size', '100000', '--out', '{out}'],
    expect: { exit: 2, stderr: /100000×100000/ },
  },
  {
    name: 'prepare-input-missing',
    files: {},
    argv: ['prepare', '--format', 'kvasir', '{dir}/nope', '--out', '{out}'],
    expect: { exit: 2, stderr: /nope\/images is missing/ },
  },
  {
    name: 'prepare-out-is-a-file',
    files: { 'in/images/a.png': grayPng(4, 4), 'in/masks/a.png': grayPng(4, 4), 'taken.txt': 'precious' },
    argv: ['prepare', '--format', 'kvasir', '{dir}/in', '--out', '{dir}/taken.txt'],
    expect: { exit: 2, stderr: /taken\.txt/ },
  },
  {
    name: 'view-model-is-a-folder',
    files: { 'model/x.txt': 'x' },
    argv: ['view', '--model', '{dir}/model', '--port', '0'],
    expect: { exit: 2, stderr: /--model .*model is a folder/ },
  },
  { name: 'view-model-missing', files: {}, argv: ['view', '--model', '{dir}/none.onnx', '--port', '0'], expect: { exit: 2, stderr: /no such file/ } },
  {
    name: 'view-port-70000',
    files: { 'm.onnx': 'x' },
    argv: ['view', '--model', '{dir}/m.onnx', '--port', '70000'],
    expect: { exit: 2, stderr: /expected a port 0–65535/ },
  },
  {
    name: 'view-port-busy',
    files: { 'm.onnx': 'x' },
    argv: ['view', '--model', '{dir}/m.onnx', '--port', '{busyPort}'],
    expect: { exit: 2, stderr: /is already in use/ },
    needsViewer: true,
  },
  {
    name: 'train-one-patient',
    files: onePatient,
    argv: ['train', '--data', '{dir}/prep', '--filters', '4,8', '--latent', '2', '--max-steps', '1', '--out', '{out}'],
    expect: { exit: 2, stderr: /test split is empty — the dataset has 1 patient/ },
  },
  {
    name: 'train-synthetic-size-3',
    files: {},
    argv: [
      'train',
      '--data',
      'synthetic',
      '--synthetic-items',
      '8',
      '--synthetic-size',
      '3',
      '--filters',
      '4,8',
      '--latent',
      '2',
      '--max-steps',
      '1',
      '--out',
      '{out}',
    ],
    expect: { exit: 2, stderr: /synthetic\.size: Number must be greater than or equal to 8/ },
  },
];

/** torch.save zip checkpoints: a member inflating to 2 GiB from 2 MB, declared small or honestly. */
cliCases.push(
  {
    name: 'import-torch-zip-bomb-declared-small',
    files: { 'model.pth': () => zip([{ name: 'archive/data.pkl', data: deflateBomb(2 * 2 ** 30), method: 8, size: 64 }]) },
    argv: ['import-torch', '{dir}/model.pth', '--out', '{out}'],
    expect: { exit: 2, stderr: /model\.pth: corrupt or truncated zip/ },
  },
  {
    name: 'import-torch-zip-bomb-declared-2gib',
    files: { 'model.pth': () => zip([{ name: 'archive/data.pkl', data: deflateBomb(2 * 2 ** 30), method: 8, size: 2 * 2 ** 30 }]) },
    argv: ['import-torch', '{dir}/model.pth', '--out', '{out}'],
    expect: { exit: 2, stderr: /model\.pth: zip member .* inflates to 2,147,483,648 bytes, more than allowed/ },
  },
);

/** Item counts from flags or files: ids are held in memory, so they are bounded too. */
cliCases.push(
  {
    name: 'prepare-synthetic-items-1e9',
    files: {},
    argv: ['prepare', '--format', 'synthetic', 'synthetic', '--items', '1000000000', '--out', '{out}'],
    expect: { exit: 2, stderr: /1000000000 items.*FLOWSEG_MAX_ITEMS/ },
  },
  {
    name: 'train-synthetic-items-1e9',
    files: {},
    argv: [
      'train',
      '--data',
      'synthetic',
      '--synthetic-items',
      '1000000000',
      '--synthetic-size',
      '16',
      '--filters',
      '4,8',
      '--latent',
      '2',
      '--max-steps',
      '1',
      '--out',
      '{out}',
    ],
    expect: { exit: 2, stderr: /1000000000 items.*FLOWSEG_MAX_ITEMS/ },
  },
  {
    name: 'prepare-items-over-env-limit',
    files: Object.fromEntries(
      ['a', 'b', 'c', 'd', 'e'].flatMap((n) => [
        [`in/images/${n}.png`, grayPng(8, 8)],
        [`in/masks/${n}.png`, grayPng(8, 8)],
      ]),
    ),
    env: { FLOWSEG_MAX_ITEMS: '3' },
    argv: ['prepare', '--format', 'kvasir', '{dir}/in', '--size', '8', '--out', '{out}'],
    expect: { exit: 2, stderr: /yields more than 3 items.*FLOWSEG_MAX_ITEMS/ },
  },
);
