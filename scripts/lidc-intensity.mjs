#!/usr/bin/env node
// Measures how the LIDC crops' gray levels were made from Hounsfield units (docs/scans.md,
// "Intensity mapping"). Usage: node scripts/lidc-intensity.mjs [lidc-png dir]
// (default ../shared/data/lidc-png). Prints the numbers the page quotes.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PNG } from 'pngjs';

const root = process.argv[2] ?? resolve(new URL('..', import.meta.url).pathname, '..', 'shared', 'data', 'lidc-png');
if (!existsSync(root)) {
  console.log(`skipped: ${root} is absent`);
  process.exit(0);
}
const LUNG = -850; // parenchyma, HU
const SOFT = 40; // muscle / blood / solid nodule, HU
const crops = [];
for (const p of readdirSync(root).sort()) {
  for (const n of readdirSync(join(root, p))) {
    const dir = join(root, p, n, 'images');
    for (const f of readdirSync(dir)) {
      const png = PNG.sync.read(readFileSync(join(dir, f)));
      const h = new Array(256).fill(0);
      for (let i = 0; i < png.width * png.height; i++) h[png.data[4 * i]]++;
      crops.push({ id: `${p}/${n}/${f}`, h, pixels: png.width * png.height });
    }
  }
}
const q = (a, ps = [0, 0.05, 0.25, 0.5, 0.75, 0.95, 1]) => {
  const s = [...a].sort((x, y) => x - y);
  return ps.map((p) => s[Math.round(p * (s.length - 1))]);
};
const fmt = (a) => a.map((v) => (Number.isInteger(v) ? v : v.toFixed(0))).join(' / ');
const minOf = (h) => h.findIndex((c) => c > 0);
const maxOf = (h) => 255 - [...h].reverse().findIndex((c) => c > 0);
console.log(`${crops.length} crops`);
console.log(`min gray 0: ${crops.filter((c) => minOf(c.h) === 0).length}; max gray 255: ${crops.filter((c) => maxOf(c.h) === 255).length}`);
const at0 = crops.map((c) => c.h[0]);
const at255 = crops.map((c) => c.h[255]);
console.log(`pixels at 0   per crop (min/5%/25%/50%/75%/95%/max): ${fmt(q(at0))}; exactly one: ${at0.filter((v) => v === 1).length}`);
console.log(`pixels at 255 per crop (min/5%/25%/50%/75%/95%/max): ${fmt(q(at255))}; exactly one: ${at255.filter((v) => v === 1).length}`);
console.log(`crops with ≥ 1% of pixels at 255 (a clipping plateau): ${at255.filter((v, i) => v >= 0.01 * crops[i].pixels).length}`);

// Two anchors per crop: the lung-parenchyma peak and the soft-tissue peak of the histogram.
const smooth = (h) => h.map((_, i) => h.slice(Math.max(0, i - 2), i + 3).reduce((a, b) => a + b, 0));
const fits = [];
for (const c of crops) {
  const s = smooth(c.h);
  let gl = 1;
  for (let g = 1; g < 100; g++) if (s[g] > s[gl]) gl = g;
  let gs = gl + 30;
  for (let g = gl + 30; g < 255; g++) if (s[g] > s[gs]) gs = g;
  const valley = Math.min(...s.slice(gl, gs + 1));
  const enough = (v) => v >= (0.03 * 5 * c.pixels) / 5;
  if (!(enough(c.h.slice(gl - 2, gl + 3).reduce((a, b) => a + b, 0)) && enough(c.h.slice(gs - 2, gs + 3).reduce((a, b) => a + b, 0)))) continue;
  if (valley > 0.5 * Math.min(s[gl], s[gs])) continue;
  const perHu = (gs - gl) / (SOFT - LUNG); // gray levels per HU
  const hu0 = LUNG - gl / perHu;
  fits.push({ id: c.id, gl, gs, hu0, hu255: hu0 + 255 / perHu });
}
console.log(`crops with a clear lung peak and soft-tissue peak: ${fits.length}`);
console.log(`  lung peak gray (min/5%/25%/50%/75%/95%/max):   ${fmt(q(fits.map((f) => f.gl)))}`);
console.log(`  soft-tissue peak gray:                         ${fmt(q(fits.map((f) => f.gs)))}`);
console.log(`  implied HU of gray 0   (lung ${LUNG}, soft ${SOFT}): ${fmt(q(fits.map((f) => f.hu0)))}`);
console.log(`  implied HU of gray 255:                         ${fmt(q(fits.map((f) => f.hu255)))}`);
const band = (lo, hi, k) => fits.filter((f) => f[k] >= lo && f[k] < hi).length;
console.log(`  gray 0 in [-1200, -900) HU: ${band(-1200, -900, 'hu0')}; below -1200 HU (outside-field padding in the crop): ${band(-1e9, -1200, 'hu0')}`);
console.log(`  gray 255 below 500 HU: ${band(-1e9, 500, 'hu255')}; 500…1500: ${band(500, 1500, 'hu255')}; ≥ 1500: ${band(1500, 1e9, 'hu255')}`);
