import { FlowsegInputError } from '../util/errors.js';
import { resolveModelArg, type ShippedModel } from '../zoo/registry.js';

/** The model an inference command runs: a file or run dir, the engine, and the shipped model when named. */
export interface InferenceModel {
  /** run dir or checkpoint (torch), .onnx file (onnx) */
  path: string;
  engine: 'torch' | 'onnx';
  shipped?: ShippedModel;
}

/**
 * `--checkpoint` / `--model` / `--engine` of `sample` and `evaluate` → one model. `--model` is a
 * shipped model's name or an .onnx file and implies the ONNX engine; `--checkpoint` is a run
 * dir or checkpoint (torch, the default) or, with `--engine onnx` or an .onnx ending, an export.
 */
export function inferenceModel(f: { checkpoint?: string; model?: string; engine?: 'torch' | 'onnx' }): InferenceModel {
  if (f.model !== undefined) {
    if (f.checkpoint !== undefined) throw new FlowsegInputError(`--model ${f.model} and --checkpoint ${f.checkpoint} both name the model; give one of them`);
    if (f.engine === 'torch')
      throw new FlowsegInputError(`--model ${f.model} is an ONNX model; drop --engine torch (or pass a run dir with --checkpoint for libtorch)`);
    const r = resolveModelArg(f.model, '--model');
    return { path: r.path, engine: 'onnx', ...(r.model ? { shipped: r.model } : {}) };
  }
  if (f.checkpoint === undefined) throw new FlowsegInputError('no model: pass --model <name> (`flowseg models` lists them) or --checkpoint <run dir|file>');
  return { path: f.checkpoint, engine: f.engine ?? (/\.onnx$/i.test(f.checkpoint) ? 'onnx' : 'torch') };
}

/**
 * {@link inferenceModel} applied to a command's flags in place: afterwards `checkpoint` names
 * the file or run dir and `engine` is set, so the rest of the command reads them as before.
 */
export function resolveModelFlags<F extends { checkpoint?: string; model?: string; engine?: 'torch' | 'onnx' }>(
  f: F,
): asserts f is F & { checkpoint: string; engine: 'torch' | 'onnx' } {
  const m = inferenceModel(f);
  f.checkpoint = m.path;
  f.engine = m.engine;
}
