import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { HUGE_PAGE_TUNABLE, relaunchEnv, thpMode } from './relaunch.js';
import { packageRoot } from '../util/paths.js';

const argv = (cmd: string): string[] => ['/usr/bin/node', '/x/bin/flowseg.js', cmd, '--image', 'a.dcm'];

test('relaunchEnv: sample on Linux with THP in madvise mode gets glibc.malloc.hugetlb=1, kept tunables first', () => {
  assert.equal(relaunchEnv(argv('sample'), { PATH: '/bin' }, 'linux', 'madvise')?.GLIBC_TUNABLES, HUGE_PAGE_TUNABLE);
  assert.equal(
    relaunchEnv(argv('sample'), { GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' }, 'linux', 'madvise')?.GLIBC_TUNABLES,
    `glibc.malloc.arena_max=2:${HUGE_PAGE_TUNABLE}`,
  );
  assert.equal(relaunchEnv(argv('sample'), { PATH: '/bin' }, 'linux', 'madvise')?.PATH, '/bin');
});

test('relaunchEnv: no relaunch for other commands, other systems, THP always/never, an existing hugetlb tunable, or FLOWSEG_HUGE_PAGES=0', () => {
  assert.equal(relaunchEnv(argv('train'), {}, 'linux', 'madvise'), undefined);
  assert.equal(relaunchEnv(['/usr/bin/node', '/x/bin/flowseg.js'], {}, 'linux', 'madvise'), undefined);
  assert.equal(relaunchEnv(argv('sample'), {}, 'darwin', 'madvise'), undefined);
  assert.equal(relaunchEnv(argv('sample'), {}, 'linux', 'always'), undefined);
  assert.equal(relaunchEnv(argv('sample'), {}, 'linux', 'never'), undefined);
  assert.equal(relaunchEnv(argv('sample'), {}, 'linux', undefined), undefined);
  assert.equal(relaunchEnv(argv('sample'), { GLIBC_TUNABLES: 'glibc.malloc.hugetlb=0' }, 'linux', 'madvise'), undefined);
  assert.equal(relaunchEnv(argv('sample'), { FLOWSEG_HUGE_PAGES: '0' }, 'linux', 'madvise'), undefined);
});

test('thpMode reads the bracketed mode, undefined when the file is missing', () => {
  assert.equal(
    thpMode(() => 'always [madvise] never\n'),
    'madvise',
  );
  assert.equal(
    thpMode(() => '[always] madvise never\n'),
    'always',
  );
  assert.equal(
    thpMode(() => {
      throw new Error('ENOENT');
    }),
    undefined,
  );
});

test('a relaunched `flowseg sample` passes on its exit code and its one-line error', () => {
  const bin = join(packageRoot(), 'bin', 'flowseg.js');
  const env = { ...process.env, FLOWSEG_HUGE_PAGES: undefined, GLIBC_TUNABLES: undefined };
  const r = spawnSync(process.execPath, [bin, 'sample', '--model', 'no-such-model', '--image', '/nonexistent.dcm', '--out', '/tmp/flowseg-relaunch-none'], {
    encoding: 'utf8',
    env,
  });
  assert.equal(r.status, 2, r.stderr);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.equal(r.stdout, '');
});
