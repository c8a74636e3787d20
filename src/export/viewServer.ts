import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import { basename, extname, join, normalize, resolve, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import { packageRoot } from '../util/paths.js';
import { FlowsegInputError } from '../util/errors.js';

/** A model the page may pick (the shipped ones): listed in /models.json, served at /models/<name>/model.onnx. */
export interface ServedModel {
  name: string;
  /** one line of its card */
  summary: string;
  path: string;
}

export interface ViewServerOptions {
  /** The exported model, served as /model.onnx and listed first in /models.json. */
  modelPath: string;
  /** What the page calls `modelPath` (default its file name). */
  modelName?: string;
  /** One line about `modelPath` (a shipped model's card summary). */
  modelSummary?: string;
  /** Further models the page lists (e.g. the other shipped models). */
  models?: readonly ServedModel[];
  /** 0 = a free port chosen by the OS. */
  port?: number;
  /** The built viewer (default viewer/dist of the package). */
  distDir?: string;
}

export interface ViewServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
  '.onnx': 'application/octet-stream',
};

// Cross-origin isolation lets onnxruntime-web use its threaded wasm (SharedArrayBuffer).
const ISOLATION = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export function defaultViewerDist(): string {
  return join(packageRoot(), 'viewer', 'dist');
}

/** What the viewer bundle is built from: its own sources, flowseg/web and the scan core. */
const VIEWER_SOURCES = [join('viewer', 'src'), join('src', 'web'), join('src', 'scan')];

/** True when the built index.html is older than a viewer source (or missing). */
function viewerStale(root: string, distDir: string): boolean {
  const built = join(distDir, 'index.html');
  if (!existsSync(built)) return true;
  const t = statSync(built).mtimeMs;
  const sources = [
    join(root, 'viewer', 'index.html'),
    ...VIEWER_SOURCES.flatMap((d) => (existsSync(join(root, d)) ? readdirSync(join(root, d)).map((f) => join(root, d, f)) : [])),
  ];
  return sources.some((f) => existsSync(f) && statSync(f).mtimeMs > t);
}

/**
 * In a clone: builds viewer/dist with Vite (a dev dependency) when missing or older than
 * viewer/src (`npm run build:viewer`). The npm package ships viewer/dist prebuilt, no sources.
 */
export function ensureViewerBuilt(distDir = defaultViewerDist()): void {
  const root = packageRoot();
  if (!existsSync(join(root, 'viewer', 'src')) ? existsSync(join(distDir, 'index.html')) : !viewerStale(root, distDir)) return;
  const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  if (!existsSync(vite))
    throw new FlowsegInputError(`the viewer is not built (${distDir}) and Vite is not installed: in a clone run \`npm install\` then \`npm run build:viewer\``);
  process.stderr.write('[flowseg view] building viewer/dist (missing or older than viewer/src) with vite…\n');
  const r = spawnSync(process.execPath, [vite, 'build', '--config', join(root, 'viewer', 'vite.config.ts'), '--logLevel', 'warn'], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (r.status !== 0 || !existsSync(join(distDir, 'index.html')))
    throw new FlowsegInputError('building the viewer failed (see above); try `npm run build:viewer`');
}

/** The local viewer server: the built viewer and the model, cross-origin isolated (threaded wasm). */
export async function startViewServer(options: ViewServerOptions): Promise<ViewServer> {
  const distDir = resolve(options.distDir ?? defaultViewerDist());
  const modelPath = resolve(options.modelPath);
  if (!existsSync(modelPath)) throw new FlowsegInputError(`--model ${options.modelPath}: no such file (write one with \`flowseg export\`)`);
  if (!statSync(modelPath).isFile()) throw new FlowsegInputError(`--model ${options.modelPath} is a folder; pass the .onnx file written by \`flowseg export\``);
  ensureViewerBuilt(distDir);
  const models = servedModels(options, modelPath);
  const server = createServer((req, res) => {
    try {
      handle(req, res, distDir, modelPath, models);
    } catch (err) {
      send(res, err instanceof FlowsegInputError ? 400 : 500, 'text/plain; charset=utf-8', String((err as Error).message));
    }
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', (err: NodeJS.ErrnoException) => fail(listenError(err, options.port ?? 0)));
    try {
      server.listen(options.port ?? 0, '127.0.0.1', ok);
    } catch (err) {
      fail(listenError(err as NodeJS.ErrnoException, options.port ?? 0)); // ERR_SOCKET_BAD_PORT is thrown, not emitted
    }
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

/** Listen failures a user can fix become one-line input errors naming --port. */
function listenError(err: NodeJS.ErrnoException, port: number): Error {
  if (err.code === 'EADDRINUSE')
    return new FlowsegInputError(`--port ${port} is already in use; stop the other server or pass another port (--port 0 picks a free one)`);
  if (err.code === 'EACCES') return new FlowsegInputError(`--port ${port} needs extra privileges; use a port above 1023 (e.g. --port 8080)`);
  if (err.code === 'ERR_SOCKET_BAD_PORT') return new FlowsegInputError(`--port ${port} is not a port; use 0–65535 (0 picks a free one)`);
  return err;
}

/** The list the page shows: `--model` first (the page opens it), then the other shipped models. */
function servedModels(options: ViewServerOptions, modelPath: string): { list: string; files: Map<string, string> } {
  const name = options.modelName ?? basename(modelPath);
  const first = { name, summary: options.modelSummary ?? `flowseg view --model ${name}`, url: 'model.onnx' };
  const others = (options.models ?? []).filter((m) => m.name !== name && resolve(m.path) !== modelPath);
  const files = new Map(others.map((m) => [`/models/${encodeURIComponent(m.name)}/model.onnx`, resolve(m.path)]));
  const list = [first, ...others.map((m) => ({ name: m.name, summary: m.summary, url: `models/${encodeURIComponent(m.name)}/model.onnx` }))];
  return { list: JSON.stringify({ models: list }), files };
}

function handle(req: IncomingMessage, res: ServerResponse, distDir: string, modelPath: string, models: { list: string; files: Map<string, string> }): void {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const shipped = models.files.get(url.pathname);
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    send(res, 405, 'text/plain', 'GET only');
  } else if (url.pathname === '/model.onnx') {
    sendFile(res, modelPath);
  } else if (url.pathname === '/models.json') {
    send(res, 200, 'application/json', models.list);
  } else if (shipped) {
    sendFile(res, shipped);
  } else {
    const rel = normalize(decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname)).replace(/^([/\\])+/, '');
    const file = resolve(distDir, rel);
    if (file.startsWith(distDir + sep) && existsSync(file) && statSync(file).isFile()) sendFile(res, file);
    else send(res, 404, 'text/plain', 'not found');
  }
}

function sendFile(res: ServerResponse, file: string): void {
  res.writeHead(200, {
    'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
    'Content-Length': statSync(file).size,
    'Cache-Control': 'no-cache',
    ...ISOLATION,
  });
  // A read error (file removed or replaced meanwhile) ends this response, never the server.
  createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res);
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', ...ISOLATION });
  res.end(body);
}
