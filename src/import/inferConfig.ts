/** The flowseg model config a state_dict (in flowseg names) describes, read off its tensor shapes. */
import { DEFAULT_MODEL_CONFIG, type FlowName, type ModelConfig } from '../models/config.js';
import { FlowsegInputError } from '../util/errors.js';
import type { ImportedTensor } from './torchFile.js';

/** Settings from the command line; each one given wins over what the shapes say. */
export type ModelOverrides = Partial<
  Pick<ModelConfig, 'model' | 'inChannels' | 'filters' | 'convsPerBlock' | 'latent' | 'flow' | 'flowSteps' | 'beta' | 'klMode'>
>;

function flowOf(tensors: Map<string, ImportedTensor>, latent: number, file: string, given: FlowName | undefined): { flow: FlowName; flowSteps: number } {
  const steps = new Set<number>();
  for (const k of tensors.keys()) {
    const m = /^flow\.steps\.(\d+)\./.exec(k);
    if (m) steps.add(Number(m[1]));
  }
  if (steps.size === 0) return { flow: 'none', flowSteps: 0 };
  const has = (suffix: string): boolean => tensors.has(`flow.steps.0.${suffix}`);
  let flow: FlowName;
  if (has('actnorm.mlp.0.weight')) flow = 'cglow';
  else if (has('mlp.0.weight')) flow = 'cplanar';
  else if (has('params.weight')) {
    const rows = (tensors.get('flow.steps.0.params.weight') as ImportedTensor).shape[0];
    // planar emits (u, w, b) = 2L + 1 numbers per step, radial (z0, α, β) = L + 2; equal when L = 1
    if (latent === 1 && given === undefined) {
      throw new FlowsegInputError(
        `${file}: key "flow.steps.0.params.weight" fits both a planar and a radial flow when the latent size is 1; pass --flow planar or --flow radial`,
      );
    }
    flow = given ?? (rows === 2 * latent + 1 ? 'planar' : 'radial');
  } else {
    const key = [...tensors.keys()].find((k) => k.startsWith('flow.steps.0.')) ?? 'flow.steps.0';
    throw new FlowsegInputError(`${file}: key "${key}" is not a flow step flowseg knows (planar, radial, cplanar, cglow)`);
  }
  return { flow, flowSteps: Math.max(...steps) + 1 };
}

/**
 * Model config from shapes: in channels and filters from `unet.down.{i}.0.weight`, convs per
 * block from `unet.down.0.*`, latent size from `prior.head.weight` ([2L, C, 1, 1]), flow kind
 * and steps from `flow.steps.*`, dtype float64 when every float tensor is float64.
 */
export function inferModelConfig(tensors: Map<string, ImportedTensor>, file: string, given: ModelOverrides = {}): ModelConfig {
  const first = tensors.get('unet.down.0.0.weight');
  if (first?.shape.length !== 4) {
    throw new FlowsegInputError(
      `${file}: key "unet.down.0.0.weight" (the U-Net's first conv) is missing; not a Probabilistic U-Net state_dict — see docs/import-torch.md for the layouts flowseg reads`,
    );
  }
  const filters: number[] = [];
  while (tensors.has(`unet.down.${filters.length}.0.weight`))
    filters.push((tensors.get(`unet.down.${filters.length}.0.weight`) as ImportedTensor).shape[0] as number);
  let convsPerBlock = 0;
  while (tensors.has(`unet.down.0.${convsPerBlock}.weight`)) convsPerBlock++;
  const prior = tensors.get('prior.head.weight');
  const model = given.model ?? (prior ? 'probunet' : tensors.has('head.weight') ? 'detunet' : undefined);
  if (model === undefined) {
    throw new FlowsegInputError(
      `${file}: key "prior.head.weight" (Probabilistic U-Net) and "head.weight" (deterministic U-Net) are both missing; the state_dict holds only part of a model`,
    );
  }
  const latent = given.latent ?? (prior ? (prior.shape[0] as number) / 2 : DEFAULT_MODEL_CONFIG.latent);
  if (!Number.isInteger(latent) || latent < 1)
    throw new FlowsegInputError(`${file}: key "prior.head.weight" has ${prior?.shape[0]} rows, expected 2 × latent size`);
  const found = given.flow === 'none' ? { flow: 'none' as const, flowSteps: 0 } : flowOf(tensors, latent, file, given.flow);
  const flow = { flow: given.flow ?? found.flow, flowSteps: given.flowSteps ?? found.flowSteps };
  const floats = [...tensors.values()].filter((t) => t.dtype.startsWith('f') || t.dtype === 'bf16');
  const dtype = floats.length > 0 && floats.every((t) => t.dtype === 'f8') ? 'float64' : 'float32';
  return {
    ...DEFAULT_MODEL_CONFIG,
    inChannels: given.inChannels ?? (first?.shape[1] as number),
    filters: given.filters ?? filters,
    convsPerBlock: given.convsPerBlock ?? convsPerBlock,
    model,
    latent,
    ...flow,
    beta: given.beta ?? DEFAULT_MODEL_CONFIG.beta,
    klMode: given.klMode ?? DEFAULT_MODEL_CONFIG.klMode,
    dtype,
  };
}
