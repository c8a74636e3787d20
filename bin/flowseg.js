#!/usr/bin/env node
import { existsSync } from 'node:fs';
const entry = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  console.error('flowseg: not built yet — run `npm run setup` (installs deps, builds the addon and TypeScript)');
  process.exit(2);
}
// `sample` runs again with glibc's heap on huge pages (src/cli/relaunch.ts); a cheap module, loaded first.
const relaunchModule = new URL('../dist/src/cli/relaunch.js', import.meta.url);
if (process.argv[2] === 'sample' && existsSync(relaunchModule)) {
  const { relaunch, relaunchEnv, thpMode } = await import(relaunchModule.href);
  const env = relaunchEnv(process.argv, process.env, process.platform, thpMode());
  if (env) await relaunch(env);
}
let runCli;
try {
  ({ runCli } = await import(entry.href));
} catch (err) {
  // A broken build or install: one line, the stack only on request (as in src/cli/main.ts).
  console.error(`flowseg: internal error: cannot load ${entry.pathname} (${String(err?.message ?? err).split('\n')[0]}) — rebuild with \`npm run build\``);
  if (process.argv.includes('--debug') || process.env.FLOWSEG_DEBUG === '1') console.error(err?.stack ?? err);
  process.exit(1);
}
await runCli(process.argv);
