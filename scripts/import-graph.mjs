#!/usr/bin/env node
// Prints the folder-level import graph of src/ (non-test files): "from → to (count)".
// Usage: node scripts/import-graph.mjs [root=src]   (docs/architecture.md shows the result)
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

const root = process.argv[2] ?? 'src';
const files = readdirSync(root, { recursive: true })
  .map(String)
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.includes('testing'));
const folderOf = (file) => file.split('/')[0].replace(/\.ts$/, '') || '.';
const edges = new Map();
for (const f of files) {
  const text = readFileSync(join(root, f), 'utf8');
  for (const m of text.matchAll(/(?:import|export)[^'"]*?from\s+'(\.[^']+)'/g)) {
    const target = relative(root, normalize(join(root, dirname(f), m[1])));
    if (target.startsWith('..')) continue;
    const a = folderOf(f);
    const b = folderOf(target);
    if (a === b) continue;
    const key = `${a} → ${b}`;
    edges.set(key, (edges.get(key) ?? 0) + 1);
  }
}
for (const [k, n] of [...edges].sort()) console.log(`${k} (${n})`);
