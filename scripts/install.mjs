#!/usr/bin/env node
// `npm install` step of the flowseg package: builds the libtorch addon (native/) when a
// libtorch is found, otherwise prints one line and leaves the ONNX-only parts working
// (flowseg/export, `flowseg view`, `flowseg sample --engine onnx`, `flowseg report`, metrics).
// libtorch, in this order: LIBTORCH_DIR=/path (include/ + lib/), Debian's libtorch-dev, the
// libtorch inside an installed PyTorch wheel (python3 -c 'import torch').
// FLOWSEG_NATIVE=skip: never build; =detect: print what would be used, build nothing;
// =require: exit 2 when no addon can be built (scripts/setup.sh: a clone must have the engine).
// node-gyp is npm's own (npm hands it to install scripts); node-addon-api is a dependency.
// npm ≥ 11.19 runs a dependency's install script only when allowed:
//   npm install flowseg --allow-scripts=flowseg      (or later: node node_modules/flowseg/scripts/install.mjs)
import { spawnSync } from 'node:child_process';
import { existsSync, openSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const native = join(root, 'native');
const addon = join(native, 'build', 'Release', 'flowseg_native.node');
const say = (line) => process.stderr.write(`[flowseg] ${line}\n`);
const mode = process.env.FLOWSEG_NATIVE ?? 'auto';
const ONNX_ONLY = '`flowseg view`, `flowseg sample --engine onnx`, flowseg/export and the metrics work without it';
const HOW = `for training install libtorch (apt-get install libtorch-dev, or pip install torch, or set LIBTORCH_DIR) and run \`node ${join(root, 'scripts', 'install.mjs')}\``;

/** The newest mtime under native/src and binding.gyp. */
function newestSource() {
  const files = [join(native, 'binding.gyp'), ...readdirSync(join(native, 'src')).map((f) => join(native, 'src', f))];
  return Math.max(...files.map((f) => statSync(f).mtimeMs));
}

/** { dir?, how, cxxflags? } or null: where libtorch is. `dir` undefined = the system's (Debian). */
function findLibtorch() {
  const env = process.env.LIBTORCH_DIR;
  if (env) {
    if (existsSync(join(env, 'lib', 'libtorch.so')) && existsSync(join(env, 'include'))) return { dir: env, how: `LIBTORCH_DIR=${env}` };
    say(`LIBTORCH_DIR=${env} has no lib/libtorch.so and include/ (point it at an unpacked libtorch); looking elsewhere`);
  }
  const debianLib = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib'].find((d) => existsSync(join(d, 'libtorch.so')));
  if (debianLib && existsSync('/usr/include/torch/csrc/api/include/torch/torch.h'))
    return { how: `system libtorch (${debianLib}/libtorch.so, /usr/include/torch)` };
  const py = spawnSync('python3', ['-c', 'import torch; print(torch.__path__[0]); print(int(torch.compiled_with_cxx11_abi()))'], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (py.status === 0) {
    const [dir, abi] = py.stdout.trim().split('\n');
    if (dir && existsSync(join(dir, 'lib', 'libtorch.so')) && existsSync(join(dir, 'include', 'torch', 'csrc', 'api', 'include'))) {
      // Wheels before PyTorch 2.7 use the old C++ ABI; the addon must match (binding.gyp sets 1, the later define wins).
      return { dir, how: `the PyTorch wheel at ${dir}`, cxxflags: abi === '0' ? '-D_GLIBCXX_USE_CXX11_ABI=0' : undefined };
    }
  }
  return null;
}

/** npm's bundled node-gyp (handed to install scripts, or beside this node), else a local or global one. */
function nodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    join(root, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  const found = candidates.find((f) => f && existsSync(f));
  if (found) return [process.execPath, found];
  return spawnSync('node-gyp', ['--version'], { stdio: 'ignore' }).status === 0 ? ['node-gyp'] : null;
}

/** The one line for a missing addon; fatal only when the caller requires the engine. */
function giveUp(line) {
  say(line);
  if (mode === 'require') process.exit(2);
}

function main() {
  if (mode === 'skip') return say(`FLOWSEG_NATIVE=skip: libtorch addon not built; ${ONNX_ONLY}`);
  if (!existsSync(join(native, 'binding.gyp'))) return; // not a source tree of the addon
  if (existsSync(addon) && statSync(addon).mtimeMs >= newestSource() && mode !== 'detect') return; // built and current
  const torch = findLibtorch();
  if (mode === 'detect') return say(torch ? `would build the addon against ${torch.how}` : 'no libtorch found');
  if (!torch) return giveUp(`no libtorch found, so the training engine is not built; ${ONNX_ONLY}; ${HOW}`);
  const gyp = nodeGyp();
  if (!gyp) return giveUp(`libtorch found (${torch.how}) but node-gyp is missing (npm i -g node-gyp); ${ONNX_ONLY}`);
  const env = { ...process.env };
  if (torch.dir) env.LIBTORCH_DIR = torch.dir;
  else delete env.LIBTORCH_DIR;
  if (torch.cxxflags) env.CXXFLAGS = `${env.CXXFLAGS ?? ''} ${torch.cxxflags}`.trim();
  // Node's own headers when the system has them (Debian's nodejs-dev), else node-gyp fetches them.
  if (!env.npm_config_nodedir && existsSync('/usr/include/node/node_api.h') && process.execPath.startsWith('/usr/bin/')) env.npm_config_nodedir = '/usr';
  const log = join(tmpdir(), `flowseg-addon-build-${process.pid}.log`); // not in native/build: `rebuild` empties it
  say(`building the libtorch addon against ${torch.how} (1–3 minutes; log: ${log})`);
  const [cmd, ...pre] = gyp;
  const r = spawnSync(cmd, [...pre, 'rebuild', '--directory', native, '-j', 'max', '--loglevel=warn'], {
    env,
    stdio: ['ignore', openSync(log, 'w'), openSync(log, 'a')],
  });
  if (r.status === 0 && existsSync(addon)) return say('libtorch addon built');
  if (mode === 'require') process.stderr.write(readFileSync(log, 'utf8').split('\n').slice(-40).join('\n'));
  giveUp(`building the libtorch addon failed (see ${log}); ${ONNX_ONLY}; fix the cause and rerun \`node ${join(root, 'scripts', 'install.mjs')}\``);
}

main();
