// The npm package as a user gets it: `npm pack` → install the tarball into a fresh project →
// the CLI runs, ONNX sampling works, and the ONNX paths never load libtorch (/proc/self/maps).
// Installs from the npm cache (--prefer-offline); skips with a message when neither the cache
// nor the registry can provide the dependencies. FLOWSEG_NATIVE=detect: the install script
// runs and reports the libtorch it found, without a minutes-long compile; the clone's built
// addon is then copied in, so "libtorch is not loaded" is tested with the addon available.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_MODEL_CONFIG, ProbUNet } from '../models/index.js';
import { manualSeed } from '../tensor/index.js';
import { modelToOnnx } from '../export/modelToOnnx.js';
import { ensureViewerBuilt } from '../export/viewServer.js';
import { writeTestPng } from '../testing/tinyRun.js';
import { exampleCard, writeModelFolder } from '../zoo/testing.js';
import { packageRoot } from '../util/paths.js';

const root = packageRoot();
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string; devDependencies: Record<string, string> };
const addon = join(root, 'native', 'build', 'Release', 'flowseg_native.node');

// Loaded with `node --import`: at exit, records which native libraries the process mapped, OR-ed
// with what an earlier process of the same command wrote (`flowseg sample` relaunches itself
// once, src/cli/relaunch.ts, and the child, which inherits the hook, exits first).
const MAPS_HOOK = `import { existsSync, readFileSync, writeFileSync } from 'node:fs';
process.on('exit', () => {
  const maps = readFileSync('/proc/self/maps', 'utf8');
  const has = (re) => re.test(maps);
  const before = existsSync(process.env.MAPS_OUT) ? JSON.parse(readFileSync(process.env.MAPS_OUT, 'utf8')) : {};
  writeFileSync(process.env.MAPS_OUT, JSON.stringify({
    libtorch: Boolean(before.libtorch) || has(/libtorch|libc10\\.so|flowseg_native/),
    onnxruntime: Boolean(before.onnxruntime) || has(/onnxruntime/),
  }));
});
`;

// In NODE_OPTIONS: every node process (npx's own and flowseg's) records its libraries in MAPS_DIR/<pid>.json.
const MAPS_EACH_HOOK = `import { readFileSync, writeFileSync } from 'node:fs';
process.on('exit', () => {
  const maps = readFileSync('/proc/self/maps', 'utf8');
  writeFileSync(\`\${process.env.MAPS_DIR}/\${process.pid}.json\`, JSON.stringify({ libtorch: /libtorch|libc10\\.so|flowseg_native/.test(maps), onnxruntime: /onnxruntime/.test(maps) }));
});
`;

const run = (cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> =>
  spawnSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip', npm_config_update_notifier: 'false', ...env },
    timeout: 150_000,
  });

test('npm package: pack, install into a fresh project, CLI + ONNX sampling + no libtorch on the ONNX paths', { timeout: 300_000 }, async (t) => {
  if (spawnSync('npm', ['--version']).status !== 0) return t.skip('npm is not on PATH');
  ensureViewerBuilt();
  // prepack builds flowseg/web's one-module file; --ignore-scripts below skips prepack, so a fresh clone builds it here
  if (!existsSync(join(root, 'dist', 'web', 'flowseg-web.js'))) {
    const web = spawnSync(process.execPath, [join(root, 'scripts', 'build-web.mjs')], { cwd: root, encoding: 'utf8' });
    assert.equal(web.status, 0, `npm run build:web fails: ${web.stderr}`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'fs-pack-'));
  try {
    // prepack's viewer step type-checks the viewer and the src/ files it imports (browser types only).
    const viewerTypes = run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'viewer', 'tsconfig.json')], root);
    assert.equal(viewerTypes.status, 0, `viewer type check (npm run build:viewer) fails: ${viewerTypes.stdout}`);

    // 1. The tarball: what ships and what does not.
    const packed = run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], root); // dist/ is built by the test runner
    assert.equal(packed.status, 0, packed.stderr);
    const info = (JSON.parse(packed.stdout) as { filename: string; size: number; unpackedSize: number; files: { path: string }[] }[])[0];
    assert.ok(info);
    const files = info.files.map((f) => f.path);
    console.log(
      `tarball ${info.filename}: ${(info.size / 1e6).toFixed(1)} MB packed, ${(info.unpackedSize / 1e6).toFixed(1)} MB unpacked, ${files.length} files`,
    );
    for (const f of [
      'bin/flowseg.js',
      'dist/src/cli/main.js',
      'dist/src/export/index.d.ts',
      'viewer/dist/index.html',
      'dist/src/web/index.d.ts', // flowseg/web
      'dist/web/flowseg-web.js', // flowseg/web as one module for pages without a bundler (docs/web.md)
      'native/binding.gyp',
      'native/src/addon.cc',
      'scripts/install.mjs',
      'assets/fonts/DejaVuSans.ttf',
      'assets/fonts/LICENSE-DejaVu.txt',
      'LICENSE',
    ]) {
      assert.ok(files.includes(f), `${f} is in the package`);
    }
    const unwanted = files.filter(
      (f) =>
        f.startsWith('docs/results') || (f.endsWith('.png') && !f.startsWith('viewer/dist/')) || /\.test\.|\.map$|^src\/|^native\/build|^dist\/bench/.test(f),
    );
    assert.deepEqual(unwanted, [], 'no results images, tests, sources maps, TS sources or builds');
    assert.ok(info.size <= 30e6, `packed size ${info.size}`);
    assert.ok(files.includes('models/README.md'), 'models/ ships');
    for (const f of (info.files as { path: string; size?: number }[]).filter((x) => /^models\/[^/]+\/model\.onnx$/.test(x.path)))
      assert.ok((f.size ?? 0) <= 10e6, `${f.path}: ${f.size} bytes; a shipped model is at most 10 MB`);

    // 2. A fresh project; the install script may run (allowScripts) and reports what it found.
    const tgz = join(dir, info.filename);
    const proj = join(dir, 'proj');
    mkdirSync(proj);
    writeFileSync(
      join(proj, 'package.json'),
      JSON.stringify({ name: 'flowseg-pack-test', private: true, type: 'module', allowScripts: { [`file:${tgz}`]: true } }),
    );
    const ortVersion = (pkg.devDependencies['onnxruntime-node'] ?? '').replace(/^\^/, '');
    const install = run(
      'npm',
      ['install', '--prefer-offline', '--no-audit', '--no-fund', '--foreground-scripts', tgz, `onnxruntime-node@${ortVersion}`],
      proj,
      { FLOWSEG_NATIVE: 'detect' },
    );
    if (install.error) return t.skip(`npm install did not finish (${install.error.message}): registry unreachable or too slow`);
    if (install.status !== 0 && /ENOTFOUND|EAI_AGAIN|ENOTCACHED|ECONNREFUSED|ETIMEDOUT|network/i.test(install.stderr)) {
      return t.skip(`the npm registry is unreachable and the cache lacks a dependency: ${install.stderr.split('\n').find((l) => /ERR|error/.test(l))}`);
    }
    assert.equal(install.status, 0, install.stderr);
    const installLine = `${install.stdout}${install.stderr}`.split('\n').find((l) => l.startsWith('[flowseg]'));
    console.log(`install script: ${installLine}`);
    assert.match(
      installLine ?? '',
      existsSync('/usr/include/torch/csrc/api/include/torch/torch.h') ? /would build the addon against system libtorch/ : /would build|no libtorch found/,
    );
    const installed = join(proj, 'node_modules', 'flowseg');
    assert.ok(
      !existsSync(join(installed, 'node_modules', 'dejavu-fonts-ttf')) && !existsSync(join(proj, 'node_modules', 'onnxruntime-web')),
      'no build-time dependencies installed',
    );

    // 3. The CLI after `npm install`.
    const version = run('npx', ['--no-install', 'flowseg', '--version'], proj);
    assert.equal(version.status, 0, version.stderr);
    assert.equal(version.stdout.trim(), pkg.version);

    // 3b. Shipped models by name, before the addon is copied in (so no libtorch is usable): `npx flowseg
    // models`, sample and evaluate. The packed lidc-nodule-planar2 when the package has it, else a tiny
    // stand-in under that name in FLOWSEG_MODELS_DIR (fake weights never go into models/).
    const SHIPPED = 'lidc-nodule-planar2';
    const shipped = files.includes(`models/${SHIPPED}/model.onnx`);
    const zooEnv: NodeJS.ProcessEnv = {};
    const crop = join(dir, 'crop.png');
    let side = 128;
    if (shipped)
      copyFileSync(join(root, 'viewer', 'public', 'lidc-sample.png'), crop); // a real 128² LIDC crop
    else {
      side = 32;
      manualSeed(5);
      const standIn = new ProbUNet({ ...DEFAULT_MODEL_CONFIG, filters: [4, 8], latent: 3, flow: 'planar', flowSteps: 2 });
      writeModelFolder(join(dir, 'zoo'), exampleCard(SHIPPED, { inputShape: [1, side, side] }), modelToOnnx(standIn, [1, side, side]).bytes);
      standIn.dispose();
      zooEnv.FLOWSEG_MODELS_DIR = join(dir, 'zoo');
      writeTestPng(crop, side);
    }
    writeFileSync(join(dir, 'maps-each.mjs'), MAPS_EACH_HOOK);
    const npx = (name: string, args: string[]): { r: SpawnSyncReturns<string>; maps: { libtorch: boolean; onnxruntime: boolean }[] } => {
      const mapsDir = join(dir, `maps-${name}`);
      mkdirSync(mapsDir);
      const r = run('npx', ['--no-install', 'flowseg', ...args], proj, {
        ...zooEnv,
        NODE_OPTIONS: `--import=${join(dir, 'maps-each.mjs')}`,
        MAPS_DIR: mapsDir,
      });
      assert.equal(r.status, 0, `npx flowseg ${args.join(' ')}: ${r.stderr}`);
      return { r, maps: readdirSync(mapsDir).map((f) => JSON.parse(readFileSync(join(mapsDir, f), 'utf8'))) };
    };
    const listed = npx('models', ['models']);
    assert.match(listed.r.stdout, new RegExp(`^${SHIPPED} `, 'm'));
    const sampled = npx('sample-name', ['sample', '--model', SHIPPED, '--image', crop, '-n', '16', '--out', join(dir, 's')]);
    assert.equal(readdirSync(join(dir, 's')).filter((f) => /^sample-\d+\.png$/.test(f)).length, 16);
    npx('prepare', ['prepare', '--format', 'synthetic', 'synthetic', '--size', String(side), '--items', '8', '--out', join(dir, 'data')]);
    const evaluated = npx('evaluate-name', ['evaluate', '--model', SHIPPED, '--data', join(dir, 'data'), '-n', '16', '--out', join(dir, 'e')]);
    const summary = JSON.parse(readFileSync(join(dir, 'e', 'summary.json'), 'utf8')) as { images: number; model: { name: string } };
    assert.equal(summary.images, 8);
    assert.equal(summary.model.name, SHIPPED);
    for (const [what, x] of Object.entries({ models: listed, sample: sampled, evaluate: evaluated })) {
      assert.ok(x.maps.length > 0 && x.maps.every((m) => !m.libtorch), `\`flowseg ${what}\` by name never maps libtorch: ${JSON.stringify(x.maps)}`);
    }
    assert.ok(sampled.maps.some((m) => m.onnxruntime) && evaluated.maps.some((m) => m.onnxruntime), 'sample and evaluate ran onnxruntime');
    writeFileSync(
      join(proj, 'zoo.mjs'),
      "import { resolveModelArg } from 'flowseg/zoo';\nconsole.log(resolveModelArg('lidc-nodule-planar2').model?.card.variant);\n",
    );
    const zooApi = run(process.execPath, [join(proj, 'zoo.mjs')], proj, zooEnv);
    assert.equal(zooApi.status, 0, zooApi.stderr);
    assert.equal(zooApi.stdout.trim(), 'probunet+planar2', 'flowseg/zoo resolves a name from a script');
    console.log(
      `shipped model ${SHIPPED} (${shipped ? 'packed' : 'stand-in via FLOWSEG_MODELS_DIR'}): models, sample -n 16, evaluate -n 16 on 8 images without libtorch`,
    );

    // The addon as an install that found libtorch would have built it (same Node, same libtorch).
    if (existsSync(addon)) {
      mkdirSync(join(installed, 'native', 'build', 'Release'), { recursive: true });
      copyFileSync(addon, join(installed, 'native', 'build', 'Release', 'flowseg_native.node'));
    }
    writeFileSync(join(dir, 'maps-hook.mjs'), MAPS_HOOK);
    const traced = (name: string, args: string[], cwd = proj): { r: SpawnSyncReturns<string>; maps: { libtorch: boolean; onnxruntime: boolean } } => {
      const out = join(dir, `maps-${name}.json`);
      const r = run(process.execPath, ['--import', join(dir, 'maps-hook.mjs'), ...args], cwd, { MAPS_OUT: out });
      return { r, maps: existsSync(out) ? JSON.parse(readFileSync(out, 'utf8')) : { libtorch: true, onnxruntime: false } };
    };
    // Positive control: the check sees libtorch when the engine is imported.
    if (existsSync(addon)) {
      const control = traced('engine', ['--input-type=module', '-e', "await import('flowseg/engine');"]);
      assert.equal(control.r.status, 0, control.r.stderr);
      assert.equal(control.maps.libtorch, true, 'flowseg/engine maps libtorch (else the check below proves nothing)');
    }

    // 4. An exported model; `flowseg sample --engine onnx` from the installed package.
    manualSeed(3);
    const model = new ProbUNet({ ...DEFAULT_MODEL_CONFIG, filters: [4, 8], latent: 3 });
    writeFileSync(join(dir, 'model.onnx'), modelToOnnx(model, [1, 32, 32]).bytes);
    model.dispose();
    writeTestPng(join(dir, 'scan.png'), 40);
    const bin = join(proj, 'node_modules', 'flowseg', 'bin', 'flowseg.js');
    const sample = traced('sample', [
      bin,
      'sample',
      '--engine',
      'onnx',
      '--checkpoint',
      join(dir, 'model.onnx'),
      '--image',
      join(dir, 'scan.png'),
      '--resize', // 40² → the model's 32²
      '-n',
      '4',
      '--seed',
      '1',
      '--out',
      join(dir, 'samples'),
      '--json',
    ]);
    assert.equal(sample.r.status, 0, sample.r.stderr);
    assert.deepEqual(
      readdirSync(join(dir, 'samples')).filter((f) => /^sample-\d+\.png$/.test(f)),
      ['sample-00.png', 'sample-01.png', 'sample-02.png', 'sample-03.png'],
    );
    assert.ok(existsSync(join(dir, 'samples', 'entropy.npy')));
    assert.deepEqual(sample.maps, { libtorch: false, onnxruntime: true }, '`flowseg sample --engine onnx` loads onnxruntime, never libtorch');

    // 5. flowseg/export from a user's script: OnnxSampler without libtorch.
    const script = join(proj, 'infer.mjs');
    writeFileSync(
      script,
      `import { OnnxSampler } from 'flowseg/export';
const s = await OnnxSampler.create(${JSON.stringify(join(dir, 'model.onnx'))}, { threads: 1 });
const [c, h, w] = s.metadata.inputShape;
const out = await s.run(new Float32Array(c * h * w).fill(0.5), new Float32Array(2 * s.metadata.latent), 2);
console.log(out.probs.length);
await s.release();
`,
    );
    const api = traced('api', [script]);
    assert.equal(api.r.status, 0, api.r.stderr);
    assert.equal(api.r.stdout.trim(), String(2 * 32 * 32));
    assert.deepEqual(api.maps, { libtorch: false, onnxruntime: true }, 'flowseg/export + OnnxSampler never load libtorch');
    console.log(`/proc/self/maps: sample --engine onnx ${JSON.stringify(sample.maps)}, flowseg/export script ${JSON.stringify(api.maps)}`);

    // 6. `flowseg view` from the package: the prebuilt viewer, cross-origin isolated, no libtorch.
    const out = join(dir, 'maps-view.json');
    const view = spawn(process.execPath, ['--import', join(dir, 'maps-hook.mjs'), bin, 'view', '--model', join(dir, 'model.onnx'), '--port', '0'], {
      cwd: proj,
      env: { ...process.env, MAPS_OUT: out },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<string>((ok, fail) => {
        let text = '';
        view.stdout.on('data', (d: Buffer) => {
          text += String(d);
          const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(text);
          if (m) ok(m[0]);
        });
        view.once('exit', (code) => fail(new Error(`flowseg view exited with ${code}`)));
      });
      const page = await fetch(url);
      assert.equal(page.status, 200);
      assert.equal(page.headers.get('cross-origin-embedder-policy'), 'require-corp');
      assert.equal(page.headers.get('cross-origin-opener-policy'), 'same-origin');
      assert.match(await page.text(), /flowseg viewer/);
      assert.equal((await fetch(`${url}model.onnx`)).status, 200);
      assert.equal((await fetch(`${url}api/eps?n=1&latent=3&seed=0`)).status, 404, 'no server-side noise endpoint');
    } finally {
      const exited = new Promise((ok) => view.once('exit', ok));
      view.kill('SIGTERM');
      await exited;
    }
    assert.deepEqual(JSON.parse(readFileSync(out, 'utf8')), { libtorch: false, onnxruntime: false }, '`flowseg view` loads neither engine');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
