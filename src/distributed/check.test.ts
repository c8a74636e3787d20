import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../testing/cli.js';
import { formatDistCheck, type DistCheck } from './check.js';

test('flowseg dist-check --nproc-per-node 2: rank 0 reports both ranks and a timed all-reduce', () => {
  const r = runCli(['dist-check', '--nproc-per-node', '2', '--megabytes', '1', '--json', '--timeout', '60'], { timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  const c = JSON.parse(r.stdout.trim()) as DistCheck;
  assert.equal(c.worldSize, 2);
  assert.equal(c.backend, 'gloo');
  assert.deepEqual(
    c.ranks.map((x) => [x.rank, x.localRank]),
    [
      [0, 0],
      [1, 1],
    ],
  );
  assert.notEqual(c.ranks[0]?.pid, c.ranks[1]?.pid);
  assert.ok(c.ranks.every((x) => x.host.length > 0 && x.pid > 0));
  assert.ok(c.allReduceMs > 0);
});

test('the report names every rank and the bus bandwidth', () => {
  const text = formatDistCheck({
    worldSize: 2,
    backend: 'gloo',
    rendezvousMs: 1500,
    allReduceMs: 50,
    megabytes: 25,
    ranks: [
      { rank: 0, localRank: 0, host: 'a', pid: 1 },
      { rank: 1, localRank: 0, host: 'b', pid: 2 },
    ],
  });
  assert.match(text, /2 ranks \(gloo\) rendezvoused in 1\.50 s/);
  assert.match(text, /rank 1 {2}local rank 0 {2}host b {2}pid 2/);
  // ring all-reduce moves 2(n−1)/n of the data: 25 MB / 50 ms → 0.49 GB/s
  assert.match(text, /all-reduce of 25 MB: 50\.0 ms \(bus bandwidth 0\.49 GB\/s\)/);
});

test('dist-check without a job environment says how to start it', () => {
  const env = { ...process.env };
  for (const k of ['WORLD_SIZE', 'RANK', 'SLURM_NTASKS', 'SLURM_PROCID']) delete env[k];
  const r = runCli(['dist-check'], { env, timeout: 60_000 });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /WORLD_SIZE\/RANK .* are not set .*--nproc-per-node/);
});
