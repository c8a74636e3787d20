// The display controls: window/level (CT presets, typed values, the inputs following a drag),
// the slice slider, zoom buttons and the keyboard (slices, zoom).
import type { ScanVolume } from '../../src/scan/index.js';
import type { ScanView, Window } from './scanView.js';

export const PRESETS: Record<string, Window | null> = { lung: { level: -600, width: 1500 }, mediastinum: { level: 40, width: 400 }, full: null };

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

/** The whole value range of a volume as a window. */
export function fullRange(v: ScanVolume): Window {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const x of v.voxels) {
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  return { level: (lo + hi) / 2, width: Math.max(1, hi - lo) };
}

/** The window a volume opens with: lung for CT in HU, else its whole range. */
export const openingWindow = (v: ScanVolume): Window => (v.units === 'HU' ? (PRESETS.lung as Window) : fullRange(v));

/** Shows a window in the inputs and marks the matching preset. */
export function showWindow(w: Window): void {
  $<HTMLInputElement>('level').value = String(Math.round(w.level));
  $<HTMLInputElement>('width').value = String(Math.round(w.width));
  for (const b of document.querySelectorAll<HTMLButtonElement>('[data-preset]')) {
    const p = PRESETS[b.dataset.preset ?? ''];
    b.classList.toggle('active', !!p && Math.round(p.level) === Math.round(w.level) && Math.round(p.width) === Math.round(w.width));
  }
}

export function showSlice(k: number, nz: number): void {
  const slider = $<HTMLInputElement>('slice');
  slider.max = String(nz - 1);
  slider.disabled = nz === 1;
  slider.value = String(k);
  $('slice-label').textContent = `${k + 1} / ${nz}`;
}

export function wireDisplay(view: ScanView, volume: () => ScanVolume | null): void {
  const apply = (w: Window): void => {
    view.setWindow(w);
    showWindow(w);
  };
  for (const b of document.querySelectorAll<HTMLButtonElement>('[data-preset]')) {
    b.onclick = () => {
      const v = volume();
      if (v) apply(PRESETS[b.dataset.preset ?? ''] ?? fullRange(v));
    };
  }
  const typed = (): void => apply({ level: Number($<HTMLInputElement>('level').value), width: Math.max(1, Number($<HTMLInputElement>('width').value)) });
  $('level').onchange = typed;
  $('width').onchange = typed;
  $<HTMLInputElement>('slice').oninput = (e) => view.setSlice(Number((e.target as HTMLInputElement).value));
  $('zoom-in').onclick = () => view.zoom(1.25);
  $('zoom-out').onclick = () => view.zoom(0.8);
  $('zoom-reset').onclick = () => view.resetZoom();
  const keys: Record<string, () => void> = {
    ArrowUp: () => view.setSlice(view.slice + 1),
    PageUp: () => view.setSlice(view.slice + 1),
    ArrowDown: () => view.setSlice(view.slice - 1),
    PageDown: () => view.setSlice(view.slice - 1),
    '+': () => view.zoom(1.25),
    '=': () => view.zoom(1.25),
    '-': () => view.zoom(0.8),
    '0': () => view.resetZoom(),
  };
  window.addEventListener(
    'keydown',
    (e) => {
      if (e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement) return;
      const act = keys[e.key];
      if (!act || !volume()) return;
      e.preventDefault();
      e.stopPropagation(); // NiiVue's own arrow keys would move its crosshair instead
      act();
    },
    { capture: true },
  );
}
