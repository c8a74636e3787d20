// The crop panels beside the scan: the model input, mean and std maps, and one thumbnail per
// sample (click one to overlay it on the scan).
import { FOREGROUND_THRESHOLD } from '../../src/infer/threshold.js';
import { drawMap, drawSample } from './render.js';
import type { Shown } from './segment.js';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

export function renderPanels(r: Shown | null, selected: number, onSelect: (k: number) => void): void {
  const grid = $('grid');
  grid.innerHTML = '';
  if (!r) {
    for (const id of ['input', 'mean', 'std']) {
      const c = $<HTMLCanvasElement>(id);
      c.getContext('2d')?.clearRect(0, 0, c.width, c.height);
    }
    $('grid-note').textContent = '';
    return;
  }
  const { height: h, width: w } = r.picture;
  drawSample($('input'), r.picture, r.samples.mean, new Uint8Array(h * w), 'overlay');
  drawMap($('mean'), r.samples.mean, h, w, 0, 1);
  drawMap($('std'), r.samples.std, h, w, 0, 0.5);
  const label = (text: string): HTMLSpanElement => Object.assign(document.createElement('span'), { textContent: text });
  r.samples.masks.forEach((mask, k) => {
    const tile = document.createElement('div');
    tile.className = `tile${k === selected ? ' selected' : ''}`;
    tile.title = `sample ${k}: click to overlay it on the scan`;
    const canvas = document.createElement('canvas');
    drawSample(canvas, r.picture, r.samples.probs[k] as Float32Array, mask, 'overlay');
    const caption = document.createElement('div');
    caption.append(label(`#${k}`), label(`${mask.reduce((s, v) => s + v, 0)} px`));
    tile.append(canvas, caption);
    tile.onclick = () => onSelect(k);
    grid.append(tile);
  });
  const nonEmpty = r.samples.masks.filter((m) => m.some((v) => v)).length;
  $('grid-note').textContent = `n = ${r.samples.n} · seed ${r.samples.seed} · ${nonEmpty} non-empty · p > ${FOREGROUND_THRESHOLD}`;
}
