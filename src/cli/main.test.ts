import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FlowsegInputError } from '../util/errors.js';
import { runCli } from '../testing/cli.js';
import { describeFailure } from './main.js';

const systemError = (code: string, message: string): Error => Object.assign(new Error(message), { code, syscall: 'open', path: '/x' });

test('exit 2 for input and file-system errors, 1 for bugs; always one line', () => {
  assert.deepEqual(describeFailure(new FlowsegInputError('a.png is 0×0;\n re-export it')), { exitCode: 2, message: 'a.png is 0×0; re-export it' });
  assert.deepEqual(describeFailure(systemError('ENOSPC', "ENOSPC: no space left on device, write '/x'")), {
    exitCode: 2,
    message: "ENOSPC: no space left on device, write '/x' — the disk is full: free space (or choose another --out) and run again",
  });
  assert.equal(describeFailure(systemError('EACCES', 'EACCES: permission denied')).exitCode, 2);
  const bug = describeFailure(new TypeError("Cannot read properties of undefined (reading 'x')"));
  assert.equal(bug.exitCode, 1);
  assert.match(bug.message, /^internal error: Cannot read properties .* — please report it \(rerun with --debug for the stack trace\)$/);
  assert.equal(describeFailure('a string').exitCode, 1);
  assert.deepEqual(describeFailure(new RangeError('Invalid typed array length: 40000000000')).exitCode, 2);
  assert.equal(describeFailure(new RangeError('Maximum call stack size exceeded')).exitCode, 1); // a bug
});

test('the CLI prints one line without --debug and the stack trace with it', () => {
  const args = ['prepare', '--format', 'npz', '/nonexistent/in.npz', '--out', '/nonexistent/out'];
  const plain = runCli(args, { env: { ...process.env, FLOWSEG_DEBUG: '' } });
  assert.equal(plain.status, 2);
  assert.equal(plain.stderr, 'flowseg: /nonexistent/in.npz does not exist; pass a .npz file or a folder with images.npy and masks.npy\n');
  const debug = runCli([...args, '--debug']);
  assert.equal(debug.status, 2);
  assert.match(debug.stderr, /^flowseg: \/nonexistent\/in\.npz does not exist.*\nFlowsegInputError: .*\n\s+at /s);
});
