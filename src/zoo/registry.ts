/**
 * The shipped models: `models/<name>/{model.onnx, card.md, card.json}` at the package root (a
 * clone, or node_modules/flowseg after `npm install`), or FLOWSEG_MODELS_DIR. A model is a
 * name; this is the one place that turns a name into files.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { FlowsegInputError } from '../util/errors.js';
import { packageRoot } from '../util/paths.js';
import { MODEL_NAME, readModelCard, type ModelCard } from './card.js';

/** The files of one model folder. */
export const MODEL_FILES = { onnx: 'model.onnx', card: 'card.json', cardText: 'card.md' } as const;

export interface ShippedModel {
  name: string;
  dir: string;
  /** model.onnx */
  onnx: string;
  /** card.json */
  cardJson: string;
  /** card.md */
  cardText: string;
  card: ModelCard;
  /** size of model.onnx in bytes */
  bytes: number;
}

/** Where the shipped models live: FLOWSEG_MODELS_DIR, else `models/` beside flowseg's package.json. */
export function modelsDir(): string {
  return process.env.FLOWSEG_MODELS_DIR || join(packageRoot(), 'models');
}

/** Names of the model folders, sorted; a folder counts when it holds a card.json. */
export function modelNames(dir = modelsDir()): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && MODEL_NAME.test(e.name) && existsSync(join(dir, e.name, MODEL_FILES.card)))
    .map((e) => e.name)
    .sort();
}

/** One model's files and card; refuses a folder whose card names another model or lacks a file. */
export function loadShippedModel(name: string, dir = modelsDir(), flag = '--model'): ShippedModel {
  const folder = join(dir, name);
  if (!MODEL_NAME.test(name) || !existsSync(join(folder, MODEL_FILES.card))) throw unknownModel(name, flag, dir, 'no shipped model has that name');
  const m = {
    name,
    dir: folder,
    onnx: join(folder, MODEL_FILES.onnx),
    cardJson: join(folder, MODEL_FILES.card),
    cardText: join(folder, MODEL_FILES.cardText),
  };
  const card = readModelCard(m.cardJson);
  if (card.name !== name) throw new FlowsegInputError(`${m.cardJson}: name "${card.name}" differs from its folder ${name}; make them equal`);
  for (const f of [m.onnx, m.cardText])
    if (!existsSync(f)) throw new FlowsegInputError(`model ${name}: ${f} is missing (a model folder holds ${Object.values(MODEL_FILES).join(', ')})`);
  return { ...m, card, bytes: statSync(m.onnx).size };
}

/** Every shipped model, sorted by name. */
export function listShippedModels(dir = modelsDir()): ShippedModel[] {
  return modelNames(dir).map((n) => loadShippedModel(n, dir));
}

/** A path rather than a name: it has a folder separator or an .onnx ending. */
const looksLikePath = (arg: string): boolean => /[/\\]/.test(arg) || /\.onnx$/i.test(arg);

/**
 * `--model <name|model.onnx>` → the ONNX file: a shipped model's name, or an existing file.
 * Anything else (a folder, a missing file, an unknown name) is a one-line error listing the names.
 */
export function resolveModelArg(arg: string, flag = '--model', dir = modelsDir()): { path: string; model?: ShippedModel } {
  if (!looksLikePath(arg) && modelNames(dir).includes(arg)) {
    const model = loadShippedModel(arg, dir);
    return { path: model.onnx, model };
  }
  if (existsSync(arg)) {
    if (statSync(arg).isFile()) return { path: arg };
    throw new FlowsegInputError(`${flag} ${arg} is a folder; pass the .onnx file written by \`flowseg export\`, or a model name (\`flowseg models\`)`);
  }
  throw unknownModel(arg, flag, dir, looksLikePath(arg) ? 'no such file (write one with `flowseg export`)' : undefined);
}

function unknownModel(arg: string, flag: string, dir: string, what = 'neither a shipped model nor an .onnx file'): FlowsegInputError {
  const names = modelNames(dir);
  const known = names.length > 0 ? `shipped models: ${names.join(', ')}` : `no models are shipped in ${dir}`;
  return new FlowsegInputError(`${flag} ${arg}: ${what}; ${known} (\`flowseg models\` lists them)`);
}
