// The viewer page: load an exported model and an image, sample n segmentations, show them
// with the mean and std maps (the same metric functions as Node), download the masks.
import { zipSync } from 'fflate';
import { entropyMap, meanMap, stdMap } from '../../src/metrics/index.js';
import { decodeImage, toModelInput, type DecodedImage } from './image.js';
import { loadModel, runModel, type LoadedModel } from './model.js';
import { colourBar, drawImage, drawMap, drawSample, type Picture, type SampleView } from './render.js';
import { FOREGROUND_THRESHOLD, toMask } from '../../src/infer/threshold.js';
// The same seeded ε and label files as `flowseg sample` (pure TS, shared with Node).
import { priorNoise } from '../../src/infer/noise.js';
import { encodeLabelPng } from '../../src/infer/labelPng.js';
import { encodeFloatNpy } from '../../src/infer/mapNpy.js';

/** What the page exposes for scripts and the end-to-end test (`window.__flowseg`). */
interface Summary {
  n: number;
  seed: number;
  backend: string;
  variant: string;
  height: number;
  width: number;
  /** Wall time of ε + one session.run for all n samples. */
  ms: number;
  foreground: number[];
  meanSum: number;
  stdSum: number;
  priorMu: number[];
  priorSigma: number[];
}
interface Result {
  summary: Summary;
  picture: Picture;
  probs: Float32Array[];
  masks: Uint8Array[];
  mean: Float32Array;
  std: Float32Array;
}
interface Hook {
  ready: boolean;
  error: string | null;
  lastResult: Summary | null;
  sample(n: number, seed: number): Promise<Summary>;
  probs(): number[];
}

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const params = new URLSearchParams(location.search);
const state: { model: LoadedModel | null; image: DecodedImage | null; result: Result | null } = { model: null, image: null, result: null };
const hook: Hook = {
  ready: false,
  error: null,
  lastResult: null,
  sample: (n, seed) => sample(n, seed),
  probs: () => (state.result ? state.result.probs.flatMap((p) => Array.from(p)) : []),
};
(window as unknown as { __flowseg: Hook }).__flowseg = hook;

function status(text: string, isError = false): void {
  const el = $('status');
  el.textContent = text;
  el.style.color = isError ? 'var(--hot)' : '';
  if (isError) hook.error = text;
}

async function setModel(bytes: Uint8Array, name: string): Promise<void> {
  status('loading model…');
  state.model = await loadModel(bytes, name, params.get('ep') === 'wasm');
  const m = state.model.metadata;
  $('model-info').textContent = `${m.variant} · input ${m.inputShape.join('×')} · L=${m.latent} · ${state.model.backend}`;
  $('noise-note').textContent = 'ε comes from flowseg’s seeded generator (the same code as in Node): a seed gives the same samples as `flowseg sample --seed`.';
  status(`model ${name} ready`);
}

async function setImage(blob: Blob, name: string): Promise<void> {
  state.image = await decodeImage(blob, name);
  $('image-name').textContent = `${name} (${state.image.raster.width}×${state.image.raster.height})`;
  state.result = null;
  renderInput();
}

function picture(): Picture | null {
  if (!state.model || !state.image) return null;
  const [c, h, w] = state.model.metadata.inputShape;
  return { planes: toModelInput(state.image.raster, [c, h, w]), channels: c, height: h, width: w };
}

function renderInput(): void {
  const p = state.result?.picture ?? picture();
  if (p) drawImage($('input'), p, ($<HTMLInputElement>('tint').checked && state.result?.mean) || undefined);
  ($('run') as HTMLButtonElement).disabled = !(state.model && state.image);
}

async function sample(n: number, seed: number): Promise<Summary> {
  const model = state.model;
  const p = picture();
  if (!model || !p) throw new Error('load a model and an image first');
  $<HTMLSelectElement>('n').value = String(n);
  $<HTMLInputElement>('seed').value = String(seed);
  status(`sampling ${n}…`);
  const t0 = performance.now();
  const eps = priorNoise(n, model.metadata.latent, seed); // [n, L]
  const out = await runModel(model, p.planes, eps, n); // one session.run: U-Net once, fcomb for all n
  const ms = performance.now() - t0;
  const hw = p.height * p.width;
  const probs = Array.from({ length: n }, (_, k) => out.probs.slice(k * hw, (k + 1) * hw));
  const masks = probs.map(toMask);
  const mean = meanMap(probs);
  const std = stdMap(probs);
  const sum = (a: Float32Array): number => a.reduce((s, v) => s + v, 0);
  const summary: Summary = {
    n,
    seed,
    backend: model.backend,
    variant: model.metadata.variant,
    height: p.height,
    width: p.width,
    ms,
    foreground: masks.map((m) => m.reduce((s, v) => s + v, 0)),
    meanSum: sum(mean),
    stdSum: sum(std),
    priorMu: Array.from(out.priorMu),
    priorSigma: Array.from(out.priorSigma),
  };
  state.result = { summary, picture: p, probs, masks, mean, std };
  render();
  status(`${n} samples in ${ms.toFixed(0)} ms · ${model.backend} · seed ${seed}`);
  hook.lastResult = summary;
  return summary;
}

function render(): void {
  const r = state.result;
  renderInput();
  ($('download') as HTMLButtonElement).disabled = !r;
  if (!r) return;
  const { height: h, width: w } = r.picture;
  drawMap($('mean'), r.mean, h, w, 0, 1);
  drawMap($('std'), r.std, h, w, 0, 0.5);
  const view = $<HTMLSelectElement>('view').value as SampleView;
  const grid = $('grid');
  grid.innerHTML = '';
  r.masks.forEach((mask, k) => {
    const tile = document.createElement('div');
    tile.className = 'tile';
    const canvas = document.createElement('canvas');
    drawSample(canvas, r.picture, r.probs[k] as Float32Array, mask, view);
    const caption = document.createElement('div');
    const link = document.createElement('a');
    link.href = '#';
    link.textContent = 'PNG';
    link.title = `download sample ${k} as a 0/1 label PNG (like flowseg sample's ${sampleFile(k)})`;
    link.onclick = (e) => {
      e.preventDefault();
      save(new Blob([encodeLabelPng(mask, h, w)], { type: 'image/png' }), sampleFile(k));
    };
    caption.append(`#${k} · ${r.summary.foreground[k]} px`, link);
    tile.append(canvas, caption);
    grid.append(tile);
  });
  $('grid-note').textContent =
    `n = ${r.summary.n} · seed ${r.summary.seed} · ${r.summary.foreground.filter((v) => v > 0).length} non-empty · red = foreground (p > ${FOREGROUND_THRESHOLD})`;
}

/** Numbered from 0, as `flowseg sample` and grid.png number them. */
const sampleFile = (k: number): string => `sample-${String(k).padStart(2, '0')}.png`;

function save(blob: Blob, name: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

function downloadAll(): void {
  const r = state.result;
  if (!r) return;
  const files: Record<string, Uint8Array> = {};
  const { height: h, width: w } = r.picture;
  for (const [k, m] of r.masks.entries()) files[sampleFile(k)] = encodeLabelPng(m, h, w);
  // The same numbers `flowseg sample` writes (float32 [H, W]).
  for (const [name, map] of [
    ['mean', r.mean],
    ['std', r.std],
    ['entropy', entropyMap(r.probs)],
  ] as const)
    files[`${name}.npy`] = encodeFloatNpy(map, h, w);
  files['samples.json'] = new TextEncoder().encode(`${JSON.stringify({ ...r.summary, image: state.image?.name, model: state.model?.name }, null, 1)}\n`);
  save(new Blob([zipSync(files)], { type: 'application/zip' }), `flowseg-samples-seed${r.summary.seed}.zip`);
}

async function fetchBytes(url: string): Promise<Uint8Array> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return new Uint8Array(await r.arrayBuffer());
}

function wire(): void {
  const run = (): void =>
    void sample(Number($<HTMLSelectElement>('n').value), Math.max(0, Math.floor(Number($<HTMLInputElement>('seed').value) || 0))).catch((e: Error) =>
      status(e.message, true),
    );
  $('run').onclick = run;
  $('view').onchange = render;
  $('tint').onchange = renderInput;
  $('download').onclick = downloadAll;
  $('use-sample').onclick = () =>
    void fetch('lidc-sample.png')
      .then((r) => r.blob())
      .then((b) => setImage(b, 'lidc-sample.png'))
      .then(run);
  $<HTMLInputElement>('file').onchange = (e) => {
    const f = (e.target as HTMLInputElement).files?.[0];
    if (f)
      void setImage(f, f.name)
        .then(run)
        .catch((err: Error) => status(err.message, true));
  };
  $<HTMLInputElement>('model-file').onchange = (e) => {
    const f = (e.target as HTMLInputElement).files?.[0];
    if (f)
      void f
        .arrayBuffer()
        .then((b) => setModel(new Uint8Array(b), f.name))
        .then(run)
        .catch((err: Error) => status(err.message, true));
  };
  const drop = $('drop');
  drop.ondragover = (e) => {
    e.preventDefault();
    drop.classList.add('over');
  };
  drop.ondragleave = () => drop.classList.remove('over');
  drop.ondrop = (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    const f = e.dataTransfer?.files[0];
    if (f)
      void setImage(f, f.name)
        .then(run)
        .catch((err: Error) => status(err.message, true));
  };
}

async function init(): Promise<void> {
  wire();
  colourBar($('mean-bar'), 0, 1);
  colourBar($('std-bar'), 0, 0.5);
  // `flowseg view` serves the model as model.onnx; on a static host put it beside index.html.
  const modelUrl = params.get('model') ?? 'model.onnx';
  await setImage(await (await fetch('lidc-sample.png')).blob(), 'lidc-sample.png');
  try {
    await setModel(await fetchBytes(modelUrl), modelUrl);
  } catch (e) {
    status(`no model at ${modelUrl} (${(e as Error).message}) — open an exported .onnx below`);
    hook.ready = true;
    return;
  }
  hook.ready = true;
  if (params.get('autorun') !== '0') await sample(Number($<HTMLSelectElement>('n').value), 0);
}

init().catch((e: Error) => {
  status(e.message, true);
  hook.ready = true;
});
