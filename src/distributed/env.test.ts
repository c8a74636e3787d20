import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readDistEnv, threadsPerWorker } from './env.js';
import { FlowsegInputError } from '../util/errors.js';

test('no WORLD_SIZE and no Slurm: a plain single-process run', () => {
  assert.equal(readDistEnv({}), null);
  assert.equal(readDistEnv({ WORLD_SIZE: '1', RANK: '0' }), null);
});

test('torchrun variables are read, LOCAL_* and MASTER_PORT default', () => {
  assert.deepEqual(readDistEnv({ RANK: '3', WORLD_SIZE: '4', MASTER_ADDR: 'node0' }), {
    rank: 3,
    worldSize: 4,
    localRank: 0,
    localWorldSize: 1,
    masterAddr: 'node0',
    masterPort: 29500,
  });
  assert.deepEqual(readDistEnv({ RANK: '1', WORLD_SIZE: '2', LOCAL_RANK: '1', LOCAL_WORLD_SIZE: '2', MASTER_ADDR: '127.0.0.1', MASTER_PORT: '1234' }), {
    rank: 1,
    worldSize: 2,
    localRank: 1,
    localWorldSize: 2,
    masterAddr: '127.0.0.1',
    masterPort: 1234,
  });
});

test('Slurm is the fallback; torchrun variables win when both are set', () => {
  const slurm = { SLURM_PROCID: '5', SLURM_NTASKS: '8', SLURM_LOCALID: '1', SLURM_NTASKS_PER_NODE: '4', MASTER_ADDR: 'n1' };
  assert.deepEqual(readDistEnv(slurm), { rank: 5, worldSize: 8, localRank: 1, localWorldSize: 4, masterAddr: 'n1', masterPort: 29500 });
  assert.equal(readDistEnv({ ...slurm, WORLD_SIZE: '2', RANK: '0' })?.worldSize, 2);
  assert.equal(readDistEnv({ ...slurm, SLURM_NTASKS_PER_NODE: '4(x2)' })?.localWorldSize, 4);
});

test('bad or missing values name the variable', () => {
  assert.throws(
    () => readDistEnv({ WORLD_SIZE: '2', MASTER_ADDR: 'x' }),
    (e: Error) => e instanceof FlowsegInputError && /RANK/.test(e.message),
  );
  assert.throws(() => readDistEnv({ WORLD_SIZE: '2', RANK: '2', MASTER_ADDR: 'x' }), /RANK=2 is not below the world size 2/);
  assert.throws(() => readDistEnv({ WORLD_SIZE: 'two', RANK: '0', MASTER_ADDR: 'x' }), /WORLD_SIZE=two must be an integer/);
  assert.throws(() => readDistEnv({ WORLD_SIZE: '2', RANK: '0' }), /MASTER_ADDR is not set/);
  assert.throws(() => readDistEnv({ WORLD_SIZE: '2', RANK: '0', MASTER_ADDR: 'x', MASTER_PORT: '70000' }), /MASTER_PORT=70000/);
});

test('threads per worker split the cores, FLOWSEG_THREADS wins', () => {
  assert.equal(threadsPerWorker(2, {}, 8), 4);
  assert.equal(threadsPerWorker(3, {}, 2), 1);
  assert.equal(threadsPerWorker(2, { FLOWSEG_THREADS: '3' }, 8), 3);
});
