/**
 * Streams nodule folders out of a tar of the LIDC PNG tree without extracting it: files are
 * gathered per `<patient>/nodule-<k>/` and each nodule is handed on when the tar moves past
 * it, so memory holds one nodule's compressed PNGs at a time.
 */
import { createReadStream } from 'node:fs';
import { extract } from 'tar-stream';
import { FlowsegInputError } from '../util/errors.js';
import { limit, raiseHint } from '../util/limits.js';
import type { FileLoader, NoduleFiles } from './lidcNodule.js';

const ENTRY_RE = /(?:^|\/)([^/]+)\/nodule-(\d+)\/([^/]+)\/slice-(\d+)\.png$/;

export async function* readLidcTar(tarPath: string): AsyncGenerator<NoduleFiles> {
  const ex = extract();
  const input = createReadStream(tarPath);
  input.on('error', (err) => ex.destroy(err));
  input.pipe(ex);
  let current: NoduleFiles | undefined;
  const done = new Set<string>();
  try {
    for await (const entry of ex) {
      const name = entry.header.name;
      const m = entry.header.type === 'file' ? ENTRY_RE.exec(name) : null;
      if (!m) {
        entry.resume();
        continue;
      }
      // A PNG larger than an uncompressed 16-bit RGBA image at the pixel limit is not a slice.
      const size = entry.header.size ?? 0;
      if (size > 8 * limit('maxPixels') + (1 << 20)) {
        throw new FlowsegInputError(
          `${tarPath}:${name} is ${size.toLocaleString('en-US')} bytes, too large for one slice (${raiseHint('maxPixels')}); the tar is corrupt`,
        );
      }
      const chunks: Buffer[] = [];
      for await (const c of entry) chunks.push(c as Buffer);
      const bytes = Buffer.concat(chunks);
      const [, patient, k, folder, n] = m;
      const key = `${patient}/nodule-${k}`;
      if (current && `${current.patient}/nodule-${current.nodule}` !== key) {
        done.add(`${current.patient}/nodule-${current.nodule}`);
        yield current;
        current = undefined;
      }
      if (done.has(key)) {
        throw new FlowsegInputError(
          `${tarPath}: files of ${key} are not stored together in the tar (seen again at ${name}); ` +
            're-create the tar from the folder (tar cf out.tar LIDC-IDRI-slices) or extract it and pass the folder',
        );
      }
      current ??= { patient, nodule: Number(k), label: `${tarPath}:${name.replace(/\/[^/]+\/slice-\d+\.png$/, '')}`, folders: new Map() };
      let files = current.folders.get(folder);
      if (!files) {
        files = new Map<number, FileLoader>();
        current.folders.set(folder, files);
      }
      files.set(Number(n), () => bytes);
    }
  } catch (err) {
    if (err instanceof FlowsegInputError) throw err;
    throw new FlowsegInputError(`${tarPath} is not a readable tar (${(err as Error).message}); re-create or re-copy it`);
  } finally {
    input.destroy();
  }
  if (current) yield current;
}
