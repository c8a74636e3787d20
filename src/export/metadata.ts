import { FlowsegInputError } from '../util/errors.js';

/**
 * What an exported model says about itself (ONNX `metadata_props`, all strings there).
 * Browser-safe (no engine or Node imports): the viewer parses the same keys.
 */
export interface OnnxModelMetadata {
  /** `probunet`, `probunet+planar2`, `detunet` */
  variant: string;
  /** models/config.ts ModelKind, spelled out to keep this file free of engine types. */
  model: 'probunet' | 'detunet';
  latent: number;
  /** [C, H, W] the graph's `image` input expects. */
  inputShape: [number, number, number];
  normalisation: string;
  flowsegVersion: string;
  /** How the file stores its weights (`flowseg export --fp16`: float16, cast to float32 in the graph). */
  weights?: 'float32' | 'float16';
}

export const NORMALISATION = '[0,1] = 8-bit/255, luminance for gray';

export function metadataProps(m: OnnxModelMetadata): Record<string, string> {
  return {
    'flowseg.variant': m.variant,
    'flowseg.model': m.model,
    'flowseg.latent': String(m.latent),
    'flowseg.input_shape': m.inputShape.join(','),
    'flowseg.normalisation': m.normalisation,
    'flowseg.version': m.flowsegVersion,
  };
}

export function parseMetadata(props: Record<string, string>, source: string): OnnxModelMetadata {
  const get = (k: string): string => {
    const v = props[`flowseg.${k}`];
    if (v === undefined) throw new FlowsegInputError(`${source}: not a flowseg export (metadata flowseg.${k} missing); write one with \`flowseg export\``);
    return v;
  };
  const shape = get('input_shape').split(',').map(Number);
  const latent = Number(get('latent'));
  if (shape.length !== 3 || shape.some((d) => !Number.isInteger(d) || d <= 0) || !Number.isInteger(latent))
    throw new FlowsegInputError(`${source}: bad flowseg metadata (input_shape '${get('input_shape')}', latent '${get('latent')}')`);
  const model = get('model');
  if (model !== 'probunet' && model !== 'detunet') throw new FlowsegInputError(`${source}: unknown model kind '${model}'`);
  return {
    variant: get('variant'),
    model,
    latent,
    inputShape: shape as [number, number, number],
    normalisation: get('normalisation'),
    flowsegVersion: get('version'),
    weights: props['flowseg.weights'] === 'float16' ? 'float16' : 'float32',
  };
}
