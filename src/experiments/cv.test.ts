import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommandCapturingStdout } from '../cli/testing.js';
import { setNumThreads } from '../tensor/index.js';
import { FlowsegInputError } from '../util/errors.js';
import { register } from '../cli/cv.js';
import { CV_LOG, RUN_FILES, listJobs, readDone, resolvePreset, runCv, type CvOptions, type PresetOverrides } from './index.js';

setNumThreads(1); // tiny tensors: intra-op threads only add synchronisation on a busy box

const root = mkdtempSync(join(tmpdir(), 'flowseg-cv-'));
after(() => rmSync(root, { recursive: true, force: true }));
// CI size: the papers' protocols with a 2-level U-Net on 16×16 synthetic images (12 patients).
const TINY = 'training:\n  filters: [4, 8]\n  latent: 2\n  batchSize: 4\n  maxValImages: 4\n  synthetic: { items: 48, size: 16 }\n';
const presetFile = (base: string): string => {
  const path = join(root, `tiny-${base}.yaml`);
  writeFileSync(path, `extends: ${base}\n${TINY}`);
  return path;
};
const options = (base: string, out: string, o: Partial<CvOptions> = {}, overrides: PresetOverrides = {}): CvOptions => ({
  preset: resolvePreset(presetFile(base), overrides),
  data: 'synthetic',
  out: join(root, out),
  budget: { maxSteps: 2 },
  examples: 1,
  ...o,
});
const jsonLines = (file: string): Record<string, unknown>[] =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

test('valiuddin2021 end to end (2 folds, 2 steps per job): run dirs, done markers, cv.log, report stating the budget; a rerun skips done jobs', () => {
  const o = options('valiuddin2021', 'val', { foldsToRun: [0, 1] });
  const r = runCv(o);
  assert.equal(r.ran.length, 10);
  assert.deepEqual(r.failed, []);
  for (const variant of ['probunet', 'probunet+planar2', 'probunet+planar4', 'probunet+radial2', 'probunet+radial4']) {
    for (const fold of [0, 1]) {
      const dir = join(o.out, variant, `fold_${fold}`);
      for (const f of ['config.json', 'log.jsonl', 'checkpoint-last.safetensors', 'eval/summary.json', RUN_FILES.done])
        assert.ok(existsSync(join(dir, f)), `${dir}/${f}`);
      const done = readDone(dir);
      assert.equal(done?.steps, 2);
      assert.equal(done?.stopReason, 'max-steps');
      assert.deepEqual(Object.keys(done?.metrics ?? {}), ['ged_excl', 'ged_incl', 'hm_iou']);
      const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
      assert.deepEqual([config.variant, config.fold, config.budget.maxSteps, config.preset], [variant, fold, 2, 'tiny-valiuddin2021']);
    }
  }
  const log = jsonLines(join(o.out, CV_LOG));
  assert.equal(log.filter((l) => l.kind === 'job-start').length, 10);
  const ends = log.filter((l) => l.kind === 'job-end');
  assert.deepEqual(
    ends.map((l) => l.index),
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  );
  assert.ok(ends.every((l) => l.steps === 2 && typeof l.minutes === 'number' && typeof (l.metrics as Record<string, unknown>).ged_excl === 'number'));
  const plan = JSON.parse(readFileSync(join(o.out, 'plan.json'), 'utf8'));
  assert.equal(plan.preset.name, 'tiny-valiuddin2021');
  assert.equal(plan.jobs.length, 10);
  assert.ok(r.report);
  const md = readFileSync(r.report.markdown, 'utf8');
  assert.match(md, /probunet\+radial4: budget ≤ 2 steps/);
  assert.equal(r.report.runs, 10);

  const again = runCv(o);
  assert.equal(again.ran.length, 0);
  assert.deepEqual(again.skipped, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

test('selvan2020 end to end: 8 variants × one 60/20/20 fold, −CLL / GED / Dice per job', () => {
  const o = options('selvan2020', 'selvan');
  const r = runCv(o);
  assert.equal(r.ran.length, 8);
  assert.deepEqual(r.failed, []);
  const single = readDone(join(o.out, 'probunet+cglow2@single', 'fold_0'));
  assert.deepEqual(Object.keys(single?.metrics ?? {}), ['cll', 'ged_excl', 'ged_incl', 'dice']);
  assert.equal(JSON.parse(readFileSync(join(o.out, 'detunet@single', 'fold_0', 'config.json'), 'utf8')).raters, 'single');
  assert.deepEqual(r.report?.variants.map((v) => v.variant).sort(), [
    'detunet',
    'detunet@single',
    'probunet',
    'probunet+cglow2',
    'probunet+cglow2@single',
    'probunet+cplanar2',
    'probunet+cplanar2@single',
    'probunet@single',
  ]);
});

test('job list statuses; --job runs exactly one job; a partial job resumes from checkpoint-last with the raised budget', () => {
  const o = options('valiuddin2021', 'jobs', { foldsToRun: [0, 1] }, { variants: ['probunet', 'probunet+planar2'] });
  const status = (): string[] => listJobs(o).map((j) => `${j.index}:${j.variant}:${j.fold}:${j.status}`);
  assert.deepEqual(status(), ['0:probunet:0:pending', '1:probunet+planar2:0:pending', '2:probunet:1:pending', '3:probunet+planar2:1:pending']);
  const one = runCv({ ...o, job: 1 });
  assert.deepEqual([one.ran.map((j) => j.index), one.report], [[1], null]);
  assert.deepEqual(status(), ['0:probunet:0:pending', '1:probunet+planar2:0:done', '2:probunet:1:pending', '3:probunet+planar2:1:pending']);

  // Interrupted job: it trained (checkpoint-last) but never wrote its done marker.
  runCv({ ...o, job: 2 });
  const dir = join(o.out, 'probunet', 'fold_1');
  rmSync(join(dir, RUN_FILES.done));
  assert.equal(status()[2], '2:probunet:1:partial');
  runCv({ ...o, job: 2, budget: { maxSteps: 4 } });
  const steps = jsonLines(join(dir, 'log.jsonl'))
    .filter((l) => l.kind === 'step')
    .map((l) => l.step);
  assert.deepEqual(steps, [1, 2, 3, 4], 'training continued at step 3');
  assert.equal(readDone(dir)?.steps, 4);
  assert.equal(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).budget.maxSteps, 4, 'config.json states the raised budget');
  const starts = jsonLines(join(o.out, CV_LOG)).filter((l) => l.kind === 'job-start' && l.index === 2);
  assert.deepEqual(
    starts.map((l) => [l.resumed, l.fromStep]),
    [
      [false, 0],
      [true, 2],
    ],
  );
  assert.deepEqual(status(), ['0:probunet:0:pending', '1:probunet+planar2:0:done', '2:probunet:1:done', '3:probunet+planar2:1:pending']);
  assert.throws(() => runCv({ ...o, job: 4 }), /--job 4: this experiment has 4 jobs \(0…3\)/);
});

test('an experiment folder refuses another preset or other settings', () => {
  const o = options('valiuddin2021', 'jobs', { foldsToRun: [0, 1] }, { variants: ['probunet', 'probunet+planar2'] });
  assert.throws(
    () => listJobs(options('selvan2020', 'jobs')),
    (e: unknown) =>
      e instanceof FlowsegInputError && /holds the jobs of preset "tiny-valiuddin2021" .*, not "tiny-selvan2020"; use another --out/.test(e.message),
  );
  assert.throws(
    () => runCv({ ...o, preset: { ...o.preset, training: { ...o.preset.training, lr: 0.1 } } }),
    /with other settings .*first difference at training\.lr/,
  );
  assert.throws(() => runCv({ ...o, data: root }), /was run on --data synthetic/);
});

test('flowseg cv --list-jobs prints one line per job (and JSON with --json)', async () => {
  const out = join(root, 'jobs');
  const run = (...args: string[]): Promise<string> =>
    runCommandCapturingStdout(register, [
      'cv',
      '--preset',
      presetFile('valiuddin2021'),
      '--data',
      'synthetic',
      '--out',
      out,
      '--folds-to-run',
      '0,1',
      '--variants',
      'probunet,probunet+planar2',
      '--list-jobs',
      ...args,
    ]);
  assert.equal(
    await run(),
    '0\tprobunet\tfold_0\tpending\n1\tprobunet+planar2\tfold_0\tdone\n2\tprobunet\tfold_1\tdone\n3\tprobunet+planar2\tfold_1\tpending\n',
  );
  const json = JSON.parse(await run('--json'));
  assert.deepEqual(
    json.jobs.map((j: { status: string }) => j.status),
    ['pending', 'done', 'done', 'pending'],
  );
});
