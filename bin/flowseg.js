#!/usr/bin/env node
import { existsSync } from 'node:fs';
const entry = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  console.error('flowseg: not built yet — run `npm run setup` (installs deps, builds the addon and TypeScript)');
  process.exit(2);
}
const { runCli } = await import(entry.href);
await runCli(process.argv);
