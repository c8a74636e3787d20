/**
 * `flowseg import-torch model.pth --out run/`: PyTorch weights (flowseg/bench names, or Knegt's
 * Probabilistic-Unet-Pytorch names) → a flowseg run folder. See docs/import-torch.md.
 */
import { resolve } from 'node:path';
import { createModel } from '../models/create.js';
import { variantName, type ModelConfig } from '../models/config.js';
import type { SegmentationModel } from '../models/segmentationModel.js';
import { tensor } from '../tensor/create.js';
import { scope } from '../tensor/scope.js';
import { readPreparedIndex } from '../data/prepared/index.js';
import { DEFAULT_TRAIN } from '../train/config.js';
import type { TrainConfig } from '../run/index.js';
import { FlowsegInputError } from '../util/errors.js';
import { inferModelConfig, type ModelOverrides } from './inferConfig.js';
import { isKnegtLayout, mapKnegt } from './knegt.js';
import { writeImportedRun } from './runFolder.js';
import { readStateDict } from './stateDict.js';
import type { ImportedTensor } from './torchFile.js';

export type SourceLayout = 'flowseg' | 'knegt';

export interface ImportedModel {
  model: SegmentationModel;
  config: ModelConfig;
  layout: SourceLayout;
  /** Tensors copied into the model. */
  tensors: number;
  /** Where the weights sat in the checkpoint dict (`state_dict`, …), null at the top level. */
  nestedKey: string | null;
  notes: string[];
}

/** Reads a torch.save checkpoint and builds the flowseg model it holds; every tensor must find its place. */
export function loadTorchModel(file: string, overrides: ModelOverrides = {}): ImportedModel {
  const { tensors: raw, nestedKey } = readStateDict(file);
  const layout: SourceLayout = isKnegtLayout([...raw.keys()]) ? 'knegt' : 'flowseg';
  const mapped = layout === 'knegt' ? mapKnegt(raw, file) : { tensors: raw, sourceOf: new Map<string, string>(), notes: [] };
  const source = (name: string): string => mapped.sourceOf.get(name) ?? name;
  const config = inferModelConfig(mapped.tensors, file, overrides);
  const model = createModel(config);
  try {
    const params = model.namedParameters();
    for (const name of mapped.tensors.keys()) {
      if (!params.has(name)) {
        throw new FlowsegInputError(
          `${file}: key "${source(name)}" has no place in a ${variantName(config)} model (filters [${config.filters}], latent ${config.latent}); check --flow/--flow-steps/--filters, or remove the key`,
        );
      }
    }
    for (const [name, p] of params) {
      const t = mapped.tensors.get(name);
      if (!t) {
        throw new FlowsegInputError(
          `${file}: no tensor for "${name}"${layout === 'knegt' ? ' (Knegt layout)' : ''}; the state_dict is incomplete or of another model (${variantName(config)} expected)`,
        );
      }
      if (t.shape.join(',') !== p.shape.join(',')) {
        throw new FlowsegInputError(
          `${file}: key "${source(name)}" has shape [${t.shape}] but the ${variantName(config)} model expects [${p.shape}]; check --filters/--latent/--in-channels`,
        );
      }
      copyInto(p, t, config);
    }
  } catch (e) {
    model.dispose();
    throw e;
  }
  return { model, config, layout, tensors: mapped.tensors.size, nestedKey, notes: mapped.notes };
}

function copyInto(p: ReturnType<SegmentationModel['parameters']>[number], t: ImportedTensor, config: ModelConfig): void {
  scope(() => {
    const data = config.dtype === 'float64' ? t.data : Float32Array.from(t.data);
    p.copyFrom(tensor(data, t.shape, { dtype: config.dtype }));
  });
}

export interface ImportTorchOptions {
  file: string;
  out: string;
  overwrite?: boolean;
  model?: ModelOverrides;
  /** Dataset recorded as the run's data (evaluate's default); default `synthetic`. */
  data?: string;
  /** Input height = width the model is sampled/exported at; default: the prepared --data's size, else 128 (LIDC crops). */
  size?: number;
}

/** [C, H, W] recorded for sample/export: --size, else the prepared dataset's image size. */
function inputShape(o: ImportTorchOptions, inChannels: number): [number, number, number] {
  if (o.size !== undefined) return [inChannels, o.size, o.size];
  if (o.data === undefined || o.data === 'synthetic') return [inChannels, 128, 128];
  const { shape } = readPreparedIndex(o.data);
  if (shape.channels !== inChannels) {
    throw new FlowsegInputError(
      `--data ${o.data} holds ${shape.channels}-channel images but the checkpoint's first conv takes ${inChannels}; pass the dataset the model was trained on`,
    );
  }
  return [inChannels, shape.height, shape.width];
}

export interface ImportTorchResult {
  out: string;
  layout: SourceLayout;
  variant: string;
  modelConfig: ModelConfig;
  tensors: number;
  parameters: number;
  notes: string[];
}

/** Imports the checkpoint and writes the run folder (config.json + checkpoint-best.safetensors). */
export function importTorch(o: ImportTorchOptions): ImportTorchResult {
  const imported = loadTorchModel(o.file, o.model);
  try {
    const { model, config: modelConfig } = imported;
    // `importedFrom` rides along in config.json and the checkpoint (extra keys are kept) as provenance.
    const config: TrainConfig & { importedFrom: { file: string; layout: SourceLayout; notes: string[] } } = {
      ...DEFAULT_TRAIN,
      data: o.data ?? 'synthetic',
      modelConfig,
      variant: variantName(modelConfig),
      inputShape: inputShape(o, modelConfig.inChannels),
      importedFrom: { file: resolve(o.file), layout: imported.layout, notes: imported.notes },
    };
    writeImportedRun(o.out, model, config, o.overwrite);
    return {
      out: o.out,
      layout: imported.layout,
      variant: config.variant,
      modelConfig,
      tensors: imported.tensors,
      parameters: model.parameterCount(),
      notes: imported.notes,
    };
  } finally {
    imported.model.dispose();
  }
}
