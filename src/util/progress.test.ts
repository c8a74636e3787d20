import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const progressModule = fileURLToPath(new URL('./progress.js', import.meta.url));

/** Runs countProgress in a child whose stderr is a pipe (not a TTY), with a fake clock. */
function lines(script: string): string[] {
  const code = `
    let now = 0;
    globalThis.performance.now = () => now;
    const { countProgress } = await import(${JSON.stringify(progressModule)});
    ${script}`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stderr.trim().split('\n');
}

test('progress without a terminal: a line every 10 s whose rate counts from the start, also the first line', () => {
  const out = lines(`
    const bar = countProgress({ label: 'evaluate', total: 100, unit: 'images' });
    now = 12_000; bar.update(16);   // first batch after 12 s: 16 / 12 s
    now = 14_000; bar.update(32);   // < 10 s since the last line: quiet
    now = 24_000; bar.update(48);
    now = 30_000; bar.update(100);  // done: always printed
  `);
  assert.deepEqual(out, [
    'evaluate 16/100 images | 1.33 images/s | ETA 63s',
    'evaluate 48/100 images | 2.00 images/s | ETA 26s',
    'evaluate 100/100 images | 3.33 images/s | ETA 0s',
  ]);
});

test('progress of a resumed run: the rate counts only the steps of this process', () => {
  const out = lines(`
    const bar = countProgress({ label: 'train', total: 1000, unit: 'steps', start: 500 });
    now = 10_000; bar.update(520, 'epoch 4');
  `);
  assert.deepEqual(out, ['train 520/1000 steps | epoch 4 | 2.00 steps/s | ETA 240s']);
});

/** cli-progress's cursor and erase sequences and its bar glyphs. */
const TERMINAL_CODES = new RegExp(`${String.fromCharCode(27)}(\\[[0-9;?]*[A-Za-z]|[78])|[░█]`, 'g');

test('the first line shows no rate and no ETA before one unit is done (no "0.00 images/s | ETA ?"), on a terminal too', () => {
  const plain = lines(`
    const bar = countProgress({ label: 'train', total: 1000, unit: 'steps', start: 500 });
    now = 12_000; bar.update(500, 'validating');
  `);
  assert.deepEqual(plain, ['train 500/1000 steps | validating']);
  // A terminal: cli-progress redraws one line; split its frames at the carriage control codes.
  const frames = lines(`
    process.stderr.isTTY = true;
    const bar = countProgress({ label: 'evaluate', total: 100, unit: 'images' });
    now = 8_000; bar.update(16, 'GED (incl) so far 0.400');
    bar.stop();
  `)
    .join('\n')
    .split('\x1b[1G')
    .slice(1)
    .map((f) => f.replace(TERMINAL_CODES, '').trim());
  assert.deepEqual(frames, ['evaluate [] 0/100 images', 'evaluate [] 16/100 images | GED (incl) so far 0.400 | 2.00 images/s | ETA 42s']);
});
