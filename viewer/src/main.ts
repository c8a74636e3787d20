// The viewer page: open a scan (DICOM series, NIfTI, PNG/JPEG), pick a model, click a lesion →
// n samples from flowseg/web, mean/std/entropy overlaid on the scan, thumbnails, downloads.
// Everything runs in this tab (onnxruntime-web); nothing is uploaded.
import { sampleAt, WebSampler, type ScanSamples, type WebSamples } from '../../src/web/index.js';
import { flipXY, type ScanVolume } from '../../src/scan/index.js';
import { FOREGROUND_THRESHOLD } from '../../src/infer/threshold.js';
import { openFiles, openPicture, filesOfDrop, type Scan } from './open.js';
import { toModelInput } from './image.js';
import { ScanView, type Overlay, type Window } from './scanView.js';
import { listModels, type ModelEntry } from './models.js';
import { colourBar, drawMap, drawSample, type Picture } from './render.js';
import { downloadNifti, downloadPng } from './downloads.js';

/** What one segmentation gives the page and the test hook. */
interface Shown {
  samples: WebSamples;
  /** the model input [C, H, W] */
  picture: Picture;
  /** the maps on the clicked slice's grid; null when the input was resized (no common grid) */
  pasted: ScanSamples | null;
  at: { x: number; y: number; k: number };
}

/** What `window.__flowseg` reports for scripts and the end-to-end tests. */
interface Summary {
  n: number;
  seed: number;
  backend: string;
  variant: string;
  height: number;
  width: number;
  ms: number;
  foreground: number[];
  meanSum: number;
  stdSum: number;
  priorMu: number[];
  priorSigma: number[];
  at: { x: number; y: number; k: number };
  /** crop pixel (0, 0) on the slice, when pasted back */
  window: { x0: number; y0: number; size: number } | null;
  /** foreground pixels of each sample on the slice grid (pasted back) */
  pastedForeground: number[];
  /** results so far on this page (a click increments it) */
  count: number;
}

interface Hook {
  ready: boolean;
  error: string | null;
  lastResult: Summary | null;
  sample(n: number, seed: number): Promise<Summary>;
  segmentAt(x: number, y: number, k: number): Promise<Summary>;
  probs(): number[];
  voxelToClient(x: number, y: number, k: number): { x: number; y: number } | null;
  window(): Window;
  slice(): number;
  scan(): { name: string; kind: string; nx: number; ny: number; nz: number; units: string } | null;
}

const PRESETS: Record<string, Window | null> = { lung: { level: -600, width: 1500 }, mediastinum: { level: 40, width: 400 }, full: null };
const OVERLAYS: Record<string, { colormap: string; min: number; max: number }> = {
  mean: { colormap: 'warm', min: 0.02, max: 1 },
  std: { colormap: 'winter', min: 0.02, max: 0.5 },
  entropy: { colormap: 'plasma', min: 0.02, max: Math.LN2 },
  sample: { colormap: 'red', min: 0.5, max: 1 },
};

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const params = new URLSearchParams(location.search);
const state: { view: ScanView | null; sampler: WebSampler | null; scan: Scan | null; shown: Shown | null; selected: number; count: number; models: ModelEntry[] } = {
  view: null,
  sampler: null,
  scan: null,
  shown: null,
  selected: 0,
  count: 0,
  models: [],
};

const hook: Hook = {
  ready: false,
  error: null,
  lastResult: null,
  sample: (n, seed) => {
    setSampling(n, seed);
    return segment(state.shown?.at ?? null);
  },
  segmentAt: (x, y, k) => segment({ x, y, k }),
  probs: () => (state.shown ? state.shown.samples.probs.flatMap((p) => Array.from(p)) : []),
  voxelToClient: (x, y, k) => state.view?.clientOf(x, y, k) ?? null,
  window: () => state.view?.getWindow() ?? { level: 0, width: 0 },
  slice: () => state.view?.slice ?? 0,
  scan: () => {
    const s = state.scan;
    return s ? { name: s.name, kind: s.kind, nx: s.volume.nx, ny: s.volume.ny, nz: s.volume.nz, units: s.volume.units } : null;
  },
};
(window as unknown as { __flowseg: Hook }).__flowseg = hook;

function status(text: string, isError = false): void {
  const el = $('status');
  el.textContent = text;
  el.style.color = isError ? 'var(--hot)' : '';
  if (isError) hook.error = text;
}

const fail = (e: unknown): void => status((e as Error).message ?? String(e), true);

function setSampling(n: number, seed: number): void {
  $<HTMLSelectElement>('n').value = String(n);
  $<HTMLInputElement>('seed').value = String(seed);
}

// ---- scan -------------------------------------------------------------------------------

async function setScan(scan: Scan): Promise<void> {
  const view = state.view as ScanView;
  state.scan = scan;
  state.shown = null;
  const v = scan.volume;
  $('scan-name').textContent = `${scan.name} · ${v.nx}×${v.ny}×${v.nz} · ${v.spacing.map((s) => s.toFixed(2)).join('×')} mm${v.units === 'HU' ? ' · HU' : ''}`;
  const slider = $<HTMLInputElement>('slice');
  slider.max = String(v.nz - 1);
  slider.disabled = v.nz === 1;
  const w = v.units === 'HU' ? (PRESETS.lung as Window) : fullRange(v);
  await view.show(v, Math.floor(v.nz / 2), w);
  showWindow(w);
  render();
}

function fullRange(v: ScanVolume): Window {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const x of v.voxels) {
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  return { level: (lo + hi) / 2, width: Math.max(1, hi - lo) };
}

function showWindow(w: Window): void {
  $<HTMLInputElement>('level').value = String(Math.round(w.level));
  $<HTMLInputElement>('width').value = String(Math.round(w.width));
  for (const b of document.querySelectorAll<HTMLButtonElement>('[data-preset]')) {
    const p = PRESETS[b.dataset.preset ?? ''];
    b.classList.toggle('active', !!p && Math.round(p.level) === Math.round(w.level) && Math.round(p.width) === Math.round(w.width));
  }
}

function applyWindow(w: Window): void {
  state.view?.setWindow(w);
  showWindow(w);
}

// ---- model ------------------------------------------------------------------------------

async function setModel(source: string | Uint8Array, name: string): Promise<void> {
  status(`loading ${name}…`);
  const previous = state.sampler;
  state.sampler = await WebSampler.load(source, { backend: params.get('ep') === 'wasm' ? 'wasm' : 'auto', name });
  await previous?.release();
  const m = state.sampler.metadata;
  $('model-info').textContent = `${m.variant} · input ${m.inputShape.join('×')} · ${state.sampler.backend}`;
  status(`${name} ready (${state.sampler.backend}) — click a lesion`);
  ($('run') as HTMLButtonElement).disabled = false;
}

function fillModelList(models: ModelEntry[], selected: string): void {
  const select = $<HTMLSelectElement>('model');
  select.innerHTML = '';
  for (const m of models) {
    const o = document.createElement('option');
    o.value = m.url;
    o.textContent = m.name;
    o.title = m.summary;
    select.append(o);
  }
  select.value = selected;
  const entry = models.find((m) => m.url === selected);
  $('model-card').textContent = entry?.summary ?? '';
}

// ---- segmentation -----------------------------------------------------------------------

const sampling = (): { n: number; seed: number } => ({
  n: Number($<HTMLSelectElement>('n').value),
  seed: Math.max(0, Math.floor(Number($<HTMLInputElement>('seed').value) || 0)),
});

/**
 * A picture of the model's size (or any picture for a colour model) is the model input as a
 * whole, as `flowseg sample --image` takes it; anything else is cropped around the click.
 */
function wholePicture(scan: Scan, sampler: WebSampler): boolean {
  const [c, h, w] = sampler.inputShape;
  const p = scan.picture?.raster;
  return !!p && (c === 3 || (p.width === w && p.height === h));
}

let queue: Promise<unknown> = Promise.resolve();

/** Samples at a voxel (null: the picture's centre / the middle slice); one at a time. */
function segment(at: { x: number; y: number; k: number } | null): Promise<Summary> {
  const run = queue.then(() => segmentNow(at));
  queue = run.catch(() => undefined);
  return run;
}

async function segmentNow(at: { x: number; y: number; k: number } | null): Promise<Summary> {
  const { sampler, scan } = state;
  if (!sampler || !scan) throw new Error('open a scan and a model first');
  const v = scan.volume;
  const point = at ?? { x: Math.floor(v.nx / 2), y: Math.floor(v.ny / 2), k: state.view?.slice ?? Math.floor(v.nz / 2) };
  const { n, seed } = sampling();
  status(`sampling ${n}…`);
  let shown: Shown;
  const [c, h, w] = sampler.inputShape;
  if (wholePicture(scan, sampler)) {
    const input = toModelInput(scan.picture!.raster, [c, h, w]);
    const samples = await sampler.sample(input, { n, seed });
    const sameGrid = v.nx === w && v.ny === h;
    const pasted: ScanSamples | null = sameGrid
      ? {
          crop: { k: 0, x: point.x, y: point.y, window: { x0: 0, y0: 0, size: w }, values: v.voxels, input },
          samples,
          nx: w,
          ny: h,
          sliceAffineRas: flipXY(v.affine),
          masks: samples.masks,
          mean: samples.mean,
          std: samples.std,
          entropy: samples.entropy,
        }
      : null;
    shown = { samples, picture: { planes: input, channels: c, height: h, width: w }, pasted, at: { ...point, k: 0 } };
  } else {
    const pasted = await sampleAt(sampler, v, point, { n, seed });
    shown = { samples: pasted.samples, picture: { planes: pasted.crop.input, channels: 1, height: h, width: w }, pasted, at: { x: pasted.crop.x, y: pasted.crop.y, k: pasted.crop.k } };
  }
  state.shown = shown;
  state.selected = Math.min(state.selected, n - 1);
  state.count++;
  render();
  await showOverlay();
  const s = shown.samples;
  status(`${n} samples in ${s.ms.toFixed(0)} ms · ${s.backend} · seed ${seed} · at (${shown.at.x}, ${shown.at.y}, slice ${shown.at.k})`);
  const sum = (a: Float32Array): number => a.reduce((t, x) => t + x, 0);
  const summary: Summary = {
    n,
    seed,
    backend: s.backend,
    variant: sampler.metadata.variant,
    height: s.height,
    width: s.width,
    ms: s.ms,
    foreground: s.masks.map((m) => m.reduce((t, x) => t + x, 0)),
    meanSum: sum(s.mean),
    stdSum: sum(s.std),
    priorMu: s.priorMu,
    priorSigma: s.priorSigma,
    at: shown.at,
    window: shown.pasted ? shown.pasted.crop.window : null,
    pastedForeground: shown.pasted ? shown.pasted.masks.map((m) => m.reduce((t, x) => t + x, 0)) : [],
    count: state.count,
  };
  hook.lastResult = summary;
  return summary;
}

async function showOverlay(): Promise<void> {
  const view = state.view;
  const p = state.shown?.pasted;
  const kind = $<HTMLSelectElement>('overlay').value;
  if (!view) return;
  if (!p || kind === 'none') return view.setOverlay(null);
  const map = kind === 'mean' ? p.mean : kind === 'std' ? p.std : kind === 'entropy' ? p.entropy : (p.masks[state.selected] as Uint8Array);
  const look = OVERLAYS[kind] as { colormap: string; min: number; max: number };
  const overlay: Overlay = { map, k: p.crop.k, ...look };
  await view.setOverlay(overlay);
}

// ---- panels -----------------------------------------------------------------------------

function render(): void {
  const r = state.shown;
  for (const id of ['download-nifti', 'download-png']) ($(id) as HTMLButtonElement).disabled = !r?.pasted;
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
  r.samples.masks.forEach((mask, k) => {
    const tile = document.createElement('div');
    tile.className = `tile${k === state.selected ? ' selected' : ''}`;
    tile.title = `sample ${k}: click to overlay it on the scan`;
    const canvas = document.createElement('canvas');
    drawSample(canvas, r.picture, r.samples.probs[k] as Float32Array, mask, 'overlay');
    const caption = document.createElement('div');
    const label = (text: string): HTMLSpanElement => Object.assign(document.createElement('span'), { textContent: text });
    caption.append(label(`#${k}`), label(`${mask.reduce((s, v) => s + v, 0)} px`));
    tile.append(canvas, caption);
    tile.onclick = () => {
      state.selected = k;
      $<HTMLSelectElement>('overlay').value = 'sample';
      render();
      void showOverlay().catch(fail);
    };
    grid.append(tile);
  });
  const nonEmpty = r.samples.masks.filter((m) => m.some((v) => v)).length;
  $('grid-note').textContent = `n = ${r.samples.n} · seed ${r.samples.seed} · ${nonEmpty} non-empty · p > ${FOREGROUND_THRESHOLD}`;
}

// ---- wiring -----------------------------------------------------------------------------

async function openAndShow(files: File[]): Promise<void> {
  status(`reading ${files.length} file${files.length === 1 ? '' : 's'}…`);
  await setScan(await openFiles(files));
  status(state.sampler ? 'click a lesion' : 'open a model');
  if (state.sampler && state.scan && wholePicture(state.scan, state.sampler)) await segment(null);
}

function wire(): void {
  $('run').onclick = () => void segment(state.shown?.at ?? null).catch(fail);
  $('overlay').onchange = () => void showOverlay().catch(fail);
  $<HTMLInputElement>('opacity').oninput = (e) => state.view?.setOpacity(Number((e.target as HTMLInputElement).value));
  $('download-nifti').onclick = () => state.shown?.pasted && downloadNifti(state.shown.pasted, summaryFile());
  $('download-png').onclick = () => state.shown?.pasted && downloadPng(state.shown.pasted, summaryFile());
  for (const b of document.querySelectorAll<HTMLButtonElement>('[data-preset]')) {
    b.onclick = () => {
      const p = PRESETS[b.dataset.preset ?? ''];
      if (state.scan) applyWindow(p ?? fullRange(state.scan.volume));
    };
  }
  const typedWindow = (): void =>
    applyWindow({ level: Number($<HTMLInputElement>('level').value), width: Math.max(1, Number($<HTMLInputElement>('width').value)) });
  $('level').onchange = typedWindow;
  $('width').onchange = typedWindow;
  $<HTMLInputElement>('slice').oninput = (e) => state.view?.setSlice(Number((e.target as HTMLInputElement).value));
  $('zoom-in').onclick = () => state.view?.zoom(1.25);
  $('zoom-out').onclick = () => state.view?.zoom(0.8);
  $('zoom-reset').onclick = () => state.view?.resetZoom();
  window.addEventListener(
    'keydown',
    (e) => {
      if (e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement) return;
      const view = state.view;
      if (!view) return;
      const act: Record<string, () => void> = {
        ArrowUp: () => view.setSlice(view.slice + 1),
        PageUp: () => view.setSlice(view.slice + 1),
        ArrowDown: () => view.setSlice(view.slice - 1),
        PageDown: () => view.setSlice(view.slice - 1),
        '+': () => view.zoom(1.25),
        '=': () => view.zoom(1.25),
        '-': () => view.zoom(0.8),
        '0': () => view.resetZoom(),
      };
      const f = act[e.key];
      if (!f) return;
      e.preventDefault();
      e.stopPropagation(); // NiiVue's own arrow keys move its crosshair instead
      f();
    },
    { capture: true },
  );
  $('use-sample').onclick = () =>
    void fetch('lidc-sample.png')
      .then((r) => r.blob())
      .then((b) => openAndShow([new File([b], 'lidc-sample.png', { type: 'image/png' })]))
      .catch(fail);
  const picked = (e: Event): void => {
    const files = Array.from((e.target as HTMLInputElement).files ?? []);
    if (files.length) void openAndShow(files).catch(fail);
  };
  $<HTMLInputElement>('file').onchange = picked;
  $<HTMLInputElement>('folder').onchange = picked;
  $<HTMLSelectElement>('model').onchange = (e) => {
    const url = (e.target as HTMLSelectElement).value;
    const entry = state.models.find((m) => m.url === url);
    $('model-card').textContent = entry?.summary ?? '';
    void setModel(entry?.bytes ?? url, entry?.name ?? url)
      .then(() => state.shown && segment(state.shown.at))
      .catch(fail);
  };
  $<HTMLInputElement>('model-file').onchange = (e) => {
    const f = (e.target as HTMLInputElement).files?.[0];
    if (!f)
      return;
    void f
      .arrayBuffer()
      .then(async (b) => {
        const bytes = new Uint8Array(b);
        const entry: ModelEntry = { name: f.name, summary: `opened from this computer (${(b.byteLength / 2 ** 20).toFixed(1)} MB)`, url: `file:${f.name}`, bytes };
        state.models = [...state.models.filter((m) => m.url !== entry.url), entry];
        fillModelList(state.models, entry.url);
        await setModel(bytes, f.name);
        if (state.shown) await segment(state.shown.at);
      })
      .catch(fail);
  };
  const drop = $('drop');
  const body = document.body;
  body.ondragover = (e) => {
    e.preventDefault();
    drop.classList.add('over');
  };
  body.ondragleave = () => drop.classList.remove('over');
  body.ondrop = (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    if (e.dataTransfer)
      void filesOfDrop(e.dataTransfer)
        .then(openAndShow)
        .catch(fail);
  };
}

function summaryFile(): Uint8Array {
  const r = state.shown;
  const s = hook.lastResult;
  return new TextEncoder().encode(`${JSON.stringify({ ...s, scan: state.scan?.name, model: state.sampler?.name, priorMu: r?.samples.priorMu }, null, 1)}\n`);
}

async function init(): Promise<void> {
  state.view = await ScanView.create($('scan'), {
    onClick: (x, y, k) => void segment({ x, y, k }).catch(fail),
    onSlice: (k) => {
      const nz = state.scan?.volume.nz ?? 1;
      $<HTMLInputElement>('slice').value = String(k);
      $('slice-label').textContent = `${k + 1} / ${nz}`;
    },
    onWindow: showWindow,
  });
  wire();
  colourBar($('mean-bar'), 0, 1);
  colourBar($('std-bar'), 0, 0.5);
  const sample = await (await fetch('lidc-sample.png')).blob();
  await setScan(await openPicture(sample, 'lidc-sample.png'));
  // The server lists its models (models.json: the shipped ones, then `--model`'s file);
  // ?model=URL picks another; a static host without the list falls back to model.onnx.
  state.models = await listModels(params.get('model'));
  const first = state.models[0];
  if (!first) {
    status('no model here — open an exported .onnx (flowseg export) below');
    hook.ready = true;
    return;
  }
  fillModelList(state.models, first.url);
  try {
    await setModel(first.url, first.name);
  } catch (e) {
    status(`could not load ${first.name} (${(e as Error).message}) — pick another or open an .onnx`, true);
    hook.error = null; // a missing default model is not a page error
    hook.ready = true;
    return;
  }
  hook.ready = true;
  if (params.get('autorun') !== '0') await segment(null);
}

init().catch((e: Error) => {
  fail(e);
  hook.ready = true;
});
