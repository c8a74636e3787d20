// The viewer page: open a scan (DICOM series, NIfTI, PNG/JPEG), pick a model, click a lesion →
// n samples from flowseg/web, mean/std/entropy overlaid on the scan, thumbnails, downloads.
// Everything runs in this tab (onnxruntime-web); nothing is uploaded.
import { WebSampler } from '../../src/web/index.js';
import { openFiles, openPicture, filesOfDrop, type Scan } from './open.js';
import { ScanView, type Overlay } from './scanView.js';
import { listModels, type ModelEntry } from './models.js';
import { colourBar } from './render.js';
import { downloadNifti, downloadPng } from './downloads.js';
import { renderPanels } from './panels.js';
import { segmentScan, takesWholePicture, type Shown, type Voxel } from './segment.js';
import { showSlice, showWindow, openingWindow, wireDisplay } from './display.js';
import { summarize, type Hook, type Summary } from './hook.js';

const OVERLAYS: Record<string, { colormap: string; min: number; max: number }> = {
  mean: { colormap: 'warm', min: 0.02, max: 1 },
  std: { colormap: 'winter', min: 0.02, max: 0.5 },
  entropy: { colormap: 'plasma', min: 0.02, max: Math.LN2 },
  sample: { colormap: 'red', min: 0.5, max: 1 },
};

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const params = new URLSearchParams(location.search);
const state: {
  view: ScanView | null;
  sampler: WebSampler | null;
  scan: Scan | null;
  shown: Shown | null;
  selected: number;
  count: number;
  models: ModelEntry[];
} = {
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
  const w = openingWindow(v);
  await view.show(v, Math.floor(v.nz / 2), w, { orientationLabels: scan.kind !== 'picture' });
  showWindow(w);
  render();
}

// ---- model ------------------------------------------------------------------------------

/** `webgpu`, or `wasm ×2 threads`: threads need the page to be cross-origin isolated (`flowseg view` is). */
const engineName = (backend: string, threads: number): string => (backend === 'wasm' ? `wasm ×${threads} thread${threads === 1 ? '' : 's'}` : backend);

async function setModel(source: string | Uint8Array, name: string): Promise<void> {
  status(`loading ${name}…`);
  const previous = state.sampler;
  state.sampler = await WebSampler.load(source, { backend: params.get('ep') === 'wasm' ? 'wasm' : 'auto', name });
  await previous?.release();
  const m = state.sampler.metadata;
  $('model-info').textContent = `${m.variant} · input ${m.inputShape.join('×')} · ${engineName(state.sampler.backend, state.sampler.threads)}`;
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

let queue: Promise<unknown> = Promise.resolve();

/** Samples at a voxel (null: the picture's centre / the middle slice); one at a time. */
function segment(at: Voxel | null): Promise<Summary> {
  const run = queue.then(() => segmentNow(at));
  queue = run.catch(() => undefined);
  return run;
}

async function segmentNow(at: Voxel | null): Promise<Summary> {
  const { sampler, scan } = state;
  if (!sampler || !scan) throw new Error('open a scan and a model first');
  const v = scan.volume;
  const point = at ?? { x: Math.floor(v.nx / 2), y: Math.floor(v.ny / 2), k: state.view?.slice ?? Math.floor(v.nz / 2) };
  const { n, seed } = sampling();
  status(`sampling ${n}…`);
  const t0 = performance.now();
  const shown = await segmentScan(sampler, scan, point, { n, seed });
  const t1 = performance.now();
  state.shown = shown;
  state.selected = Math.min(state.selected, n - 1);
  state.count++;
  render();
  const t2 = performance.now();
  await showOverlay();
  const t3 = performance.now();
  status(
    `${n} samples in ${shown.samples.ms.toFixed(0)} ms · ${engineName(shown.samples.backend, shown.samples.threads)} · seed ${seed} · at (${shown.at.x}, ${shown.at.y}, slice ${shown.at.k})`,
  );
  const timing = { segmentMs: t1 - t0, panelsMs: t2 - t1, overlayMs: t3 - t2 };
  const summary = summarize(shown, sampler.metadata.variant, state.count, timing);
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
  for (const id of ['download-nifti', 'download-png']) ($(id) as HTMLButtonElement).disabled = !state.shown?.pasted;
  renderPanels(state.shown, state.selected, (k) => {
    state.selected = k;
    $<HTMLSelectElement>('overlay').value = 'sample';
    render();
    void showOverlay().catch(fail);
  });
}

// ---- wiring -----------------------------------------------------------------------------

async function openAndShow(files: File[]): Promise<void> {
  status(`reading ${files.length} file${files.length === 1 ? '' : 's'}…`);
  await setScan(await openFiles(files));
  status(state.sampler ? 'click a lesion' : 'open a model');
  if (state.sampler && state.scan && takesWholePicture(state.scan, state.sampler)) await segment(null);
}

function wire(): void {
  $('run').onclick = () => void segment(state.shown?.at ?? null).catch(fail);
  $('overlay').onchange = () => void showOverlay().catch(fail);
  $<HTMLInputElement>('opacity').oninput = (e) => state.view?.setOpacity(Number((e.target as HTMLInputElement).value));
  $('download-nifti').onclick = () => state.shown?.pasted && downloadNifti(state.shown.pasted, summaryFile());
  $('download-png').onclick = () => state.shown?.pasted && downloadPng(state.shown.pasted, summaryFile());
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
    if (!f) return;
    void f
      .arrayBuffer()
      .then(async (b) => {
        const bytes = new Uint8Array(b);
        const entry: ModelEntry = {
          name: f.name,
          summary: `opened from this computer (${(b.byteLength / 2 ** 20).toFixed(1)} MB)`,
          url: `file:${f.name}`,
          bytes,
        };
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
    if (e.dataTransfer) void filesOfDrop(e.dataTransfer).then(openAndShow).catch(fail);
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
    onSlice: (k) => showSlice(k, state.scan?.volume.nz ?? 1),
    onWindow: showWindow,
  });
  wire();
  wireDisplay(state.view, () => state.scan?.volume ?? null);
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
