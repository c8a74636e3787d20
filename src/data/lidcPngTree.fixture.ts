/** Test helper: writes a tiny LIDC PNG tree (and a tar of it) so readers can be tested anywhere. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { pack } from 'tar-stream';

/** An 8-bit gray PNG (stored as RGBA; readers use the first channel). `value(y, x)` 0–255. */
export function grayPng(h: number, w: number, value: (y: number, x: number) => number): Buffer {
  const png = new PNG({ width: w, height: h });
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const o = (y * w + x) * 4;
      const v = value(y, x);
      png.data[o] = png.data[o + 1] = png.data[o + 2] = v;
      png.data[o + 3] = 255;
    }
  }
  return PNG.sync.write(png);
}

export interface TinyTreeSpec {
  patients?: number;
  nodules?: number;
  slices?: number;
  raters?: number;
  size?: number;
}

/** Image value of a tiny-tree slice, so tests can check decoding. */
export const tinyImageValue = (p: number, k: number, n: number, y: number, x: number): number => (p * 31 + k * 17 + n * 5 + y * 3 + x) % 256;
/** Rater r marks pixel (y, x) of slice n when this is true; rater `raters-1` marks nothing. */
export const tinyMaskOn = (r: number, raters: number, n: number, y: number, x: number): boolean => r < raters - 1 && (y + x + n + r) % 4 === 0;

/** Returns the files of a tiny tree as relative path → bytes. */
export function tinyTreeFiles(spec: TinyTreeSpec = {}): Map<string, Buffer> {
  const { patients = 2, nodules = 2, slices = 3, raters = 4, size = 8 } = spec;
  const files = new Map<string, Buffer>();
  for (let p = 0; p < patients; p++) {
    for (let k = 0; k < nodules; k++) {
      for (let n = 0; n < slices; n++) {
        const dir = `P-${p}/nodule-${k}`;
        files.set(
          `${dir}/images/slice-${n}.png`,
          grayPng(size, size, (y, x) => tinyImageValue(p, k, n, y, x)),
        );
        for (let r = 0; r < raters; r++) {
          files.set(
            `${dir}/mask-${r}/slice-${n}.png`,
            grayPng(size, size, (y, x) => (tinyMaskOn(r, raters, n, y, x) ? 255 : 0)),
          );
        }
      }
    }
  }
  return files;
}

export function writeTree(files: Map<string, Buffer>, root = mkdtempSync(join(tmpdir(), 'flowseg-lidc-'))): string {
  for (const [rel, bytes] of files) {
    const path = join(root, rel);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, bytes);
  }
  return root;
}

/** A ustar archive of the files under `prefix/`, in the given order. */
export async function tarOf(files: Map<string, Buffer>, prefix = 'LIDC-IDRI-slices'): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  p.on('data', (c: unknown) => {
    chunks.push(c as Buffer);
  });
  const done = new Promise<void>((res, rej) => {
    p.on('end', () => res());
    p.on('error', rej);
  });
  for (const [rel, bytes] of files) p.entry({ name: `${prefix}/${rel}` }, bytes);
  p.finalize();
  await done;
  return Buffer.concat(chunks);
}
