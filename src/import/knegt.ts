/**
 * stefanknegt/Probabilistic-Unet-Pytorch state_dict names → flowseg parameter names
 * (docs/import-torch.md has the table). Knegt's modules are nn.Sequentials that interleave
 * parameter-free AvgPool/ReLU layers with the convs, so a conv's place is its rank among the
 * conv indices of its Sequential, not the index itself.
 */
import { LOG_SIGMA_BOUND } from '../models/constants.js';
import { FlowsegInputError } from '../util/errors.js';
import type { ImportedTensor } from './torchFile.js';

/** True when the names look like Knegt's layout (a ProbabilisticUnet, or its bare Unet). */
export function isKnegtLayout(names: readonly string[]): boolean {
  return names.some((n) => /^(unet\.)?contracting_path\.\d+\.layers\./.test(n));
}

interface Slot {
  group: string;
  layer: number;
  param: string;
}

const RULES: readonly [RegExp, (m: RegExpExecArray) => Slot | string][] = [
  [/^unet\.contracting_path\.(\d+)\.layers\.(\d+)\.(weight|bias)$/, (m) => ({ group: `unet.down.${m[1]}`, layer: Number(m[2]), param: m[3] })],
  [/^unet\.upsampling_path\.(\d+)\.conv_block\.layers\.(\d+)\.(weight|bias)$/, (m) => ({ group: `unet.up.${m[1]}`, layer: Number(m[2]), param: m[3] })],
  [/^(prior|posterior)\.encoder\.layers\.(\d+)\.(weight|bias)$/, (m) => ({ group: `${m[1]}.encoder`, layer: Number(m[2]), param: m[3] })],
  [/^fcomb\.layers\.(\d+)\.(weight|bias)$/, (m) => ({ group: 'fcomb.layers', layer: Number(m[1]), param: m[2] })],
  [/^(prior|posterior)\.conv_layer\.(weight|bias)$/, (m) => `${m[1]}.head.${m[2]}`],
  [/^fcomb\.last_layer\.(weight|bias)$/, (m) => `fcomb.last.${m[1]}`],
  [/^unet\.last_layer\.(weight|bias)$/, (m) => `head.${m[1]}`], // a bare Unet(apply_last_layer=True) → detunet
];

export interface KnegtMapping {
  tensors: Map<string, ImportedTensor>;
  /** flowseg name → the checkpoint's name, for messages. */
  sourceOf: Map<string, string>;
  /** What was adapted on the way (shown to the user and in config.json). */
  notes: string[];
}

/** Renames Knegt's tensors to flowseg's; unmappable keys are one-line errors naming the key. */
export function mapKnegt(input: Map<string, ImportedTensor>, file: string): KnegtMapping {
  // A bare Unet has no `unet.` prefix.
  const bare = [...input.keys()].some((n) => n.startsWith('contracting_path.'));
  const named = new Map([...input].map(([k, v]) => [bare ? `unet.${k}` : k, v] as const));
  const original = (k: string): string => (bare ? k.slice('unet.'.length) : k);
  const direct = new Map<string, string>();
  const groups = new Map<string, Map<number, Map<string, string>>>(); // group → layer → param → source key
  for (const key of named.keys()) {
    if (/^unet\.upsampling_path\.\d+\.upconv_layer\./.test(key)) {
      throw new FlowsegInputError(
        `${file}: key "${original(key)}" is a transposed-convolution upsampling (UpConvBlock bilinear=False); flowseg's U-Net upsamples bilinearly, so these weights cannot be used`,
      );
    }
    const rule = RULES.find(([re]) => re.test(key));
    if (!rule) {
      throw new FlowsegInputError(
        `${file}: key "${original(key)}" has no counterpart in flowseg's Probabilistic U-Net (Knegt layout expected: unet.contracting_path…, prior/posterior.encoder…, fcomb.layers…); see docs/import-torch.md`,
      );
    }
    const slot = rule[1](rule[0].exec(key) as RegExpExecArray);
    if (typeof slot === 'string') {
      direct.set(slot, key);
      continue;
    }
    const layers = groups.get(slot.group) ?? new Map<number, Map<string, string>>();
    const params = layers.get(slot.layer) ?? new Map<string, string>();
    params.set(slot.param, key);
    layers.set(slot.layer, params);
    groups.set(slot.group, layers);
  }
  const convsPerBlock = groups.get('unet.down.0')?.size ?? 3;
  const sourceOf = new Map(direct);
  for (const [group, layers] of groups) {
    const order = [...layers.keys()].sort((a, b) => a - b);
    order.forEach((layer, rank) => {
      let target: string;
      if (group.endsWith('.encoder')) {
        // one Sequential for all blocks: block = rank ÷ convs per block
        const p = group.slice(0, -'.encoder'.length);
        target = `${p}.down.${Math.floor(rank / convsPerBlock)}.${rank % convsPerBlock}`;
      } else target = `${group}.${rank}`;
      for (const [param, key] of layers.get(layer) as Map<string, string>) sourceOf.set(`${target}.${param}`, key);
    });
  }
  const fcombConvs = groups.get('fcomb.layers')?.size;
  if (fcombConvs !== undefined && fcombConvs !== 3) {
    throw new FlowsegInputError(
      `${file}: key "fcomb.layers" holds ${fcombConvs} 1×1 convs (no_convs_fcomb = ${fcombConvs + 1}); flowseg's fcomb has 3 plus the last layer (Knegt's default no_convs_fcomb = 4)`,
    );
  }
  const tensors = new Map<string, ImportedTensor>();
  for (const [target, key] of sourceOf) tensors.set(target, named.get(key) as ImportedTensor);
  const notes: string[] = [];
  foldPosteriorShift(tensors, notes);
  notes.push(
    `prior/posterior log σ: Knegt uses the head output as it is, flowseg bounds it to B·tanh(raw/B) (B = ${LOG_SIGMA_BOUND}); they differ by ≈ raw³/(3B²), e.g. σ within 0.4% for |raw| ≤ 1 (B = 10)`,
  );
  return { tensors, sourceOf: new Map([...sourceOf].map(([t, k]) => [t, original(k)])), notes };
}

/**
 * Knegt's posterior sees [image, mask]; flowseg's sees [image, mask − 0.5] (Kohl's shift). With
 * b' = b + 0.5·Σ W[:, mask] the first conv gives the same output everywhere but the one-pixel
 * border, where Knegt's zero padding means mask 0 and flowseg's means mask 0.5.
 */
function foldPosteriorShift(tensors: Map<string, ImportedTensor>, notes: string[]): void {
  const w = tensors.get('posterior.down.0.0.weight');
  const b = tensors.get('posterior.down.0.0.bias');
  if (!w || !b || w.shape.length !== 4) return;
  const [out, cin, kh, kw] = w.shape as [number, number, number, number];
  const bias = Float64Array.from(b.data);
  const taps = kh * kw;
  for (let o = 0; o < out; o++) {
    let sum = 0;
    const base = (o * cin + (cin - 1)) * taps; // the mask is the last input channel
    for (let t = 0; t < taps; t++) sum += w.data[base + t] as number;
    bias[o] = (bias[o] as number) + 0.5 * sum;
  }
  tensors.set('posterior.down.0.0.bias', { ...b, data: bias });
  notes.push(
    'posterior.down.0.0.bias += 0.5·ΣW[:, mask]: Knegt feeds the mask unshifted, flowseg feeds mask − 0.5 (exact except on the one-pixel image border; posterior only, sampling is unaffected)',
  );
}
