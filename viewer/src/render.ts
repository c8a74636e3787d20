// Canvas drawing: gray input, viridis maps (same colour map as the Node reports), mask overlays.
import { viridis } from '../../src/eval/render/colormap.js';

export interface Picture {
  /** [C, H, W] in [0, 1] */
  planes: Float32Array;
  channels: number;
  height: number;
  width: number;
}

const OVERLAY: readonly [number, number, number] = [255, 64, 96];

function put(canvas: HTMLCanvasElement, h: number, w: number, fill: (rgba: Uint8ClampedArray) => void): void {
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
  const img = ctx.createImageData(w, h);
  fill(img.data);
  ctx.putImageData(img, 0, 0);
}

function grayAt(p: Picture, k: number): [number, number, number] {
  const n = p.height * p.width;
  if (p.channels === 3)
    return [p.planes[k] as number, p.planes[n + k] as number, p.planes[2 * n + k] as number].map((v) => v * 255) as [number, number, number];
  const v = (p.planes[k] as number) * 255;
  return [v, v, v];
}

/** The input image, optionally tinted by a [0, 1] map (e.g. the mean foreground probability). */
export function drawImage(canvas: HTMLCanvasElement, p: Picture, tint?: Float32Array): void {
  put(canvas, p.height, p.width, (d) => {
    for (let k = 0; k < p.height * p.width; k++) {
      const g = grayAt(p, k);
      const a = tint ? 0.6 * (tint[k] as number) : 0;
      for (let c = 0; c < 3; c++) d[4 * k + c] = (1 - a) * g[c] + a * (OVERLAY[c] as number);
      d[4 * k + 3] = 255;
    }
  });
}

/** A scalar map through viridis over [min, max]. */
export function drawMap(canvas: HTMLCanvasElement, values: Float32Array, h: number, w: number, min: number, max: number): void {
  put(canvas, h, w, (d) => {
    for (let k = 0; k < h * w; k++) {
      const c = viridis(((values[k] as number) - min) / (max - min));
      d.set([c[0], c[1], c[2], 255], 4 * k);
    }
  });
}

export type SampleView = 'overlay' | 'mask' | 'prob';

/** One sample: the image with the mask filled and outlined, the bare mask, or its probability map. */
export function drawSample(canvas: HTMLCanvasElement, p: Picture, prob: Float32Array, mask: Uint8Array, view: SampleView): void {
  const { height: h, width: w } = p;
  if (view === 'prob') {
    drawMap(canvas, prob, h, w, 0, 1);
    return;
  }
  put(canvas, h, w, (d) => {
    for (let k = 0; k < h * w; k++) {
      if (view === 'mask') {
        const v = mask[k] ? 255 : 0;
        d.set([v, v, v, 255], 4 * k);
        continue;
      }
      const g = grayAt(p, k);
      const y = Math.floor(k / w);
      const x = k % w;
      const edge = mask[k] === 1 && (x === 0 || y === 0 || x === w - 1 || y === h - 1 || !mask[k - 1] || !mask[k + 1] || !mask[k - w] || !mask[k + w]);
      const a = edge ? 1 : mask[k] ? 0.35 : 0;
      for (let c = 0; c < 3; c++) d[4 * k + c] = (1 - a) * g[c] + a * (OVERLAY[c] as number);
      d[4 * k + 3] = 255;
    }
  });
}

/** A vertical colour bar: CSS gradient through viridis plus three tick labels. */
export function colourBar(el: HTMLElement, min: number, max: number): void {
  const stops = Array.from({ length: 11 }, (_, i) => {
    const c = viridis(1 - i / 10);
    return `rgb(${c[0]},${c[1]},${c[2]}) ${i * 10}%`;
  });
  el.innerHTML = '';
  const bar = document.createElement('div');
  bar.className = 'bar';
  bar.style.background = `linear-gradient(to bottom, ${stops.join(', ')})`;
  const ticks = document.createElement('div');
  ticks.className = 'ticks';
  for (const v of [max, (min + max) / 2, min]) {
    const t = document.createElement('span');
    t.textContent = String(Number(v.toFixed(2)));
    ticks.append(t);
  }
  el.append(bar, ticks);
}
