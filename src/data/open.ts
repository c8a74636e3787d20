import { existsSync } from 'node:fs';
import { FlowsegInputError } from '../util/errors.js';
import { openPrepared } from './prepared/open.js';
import { syntheticDataset, type SyntheticOptions } from './synthetic.js';
import type { Dataset } from './types.js';

/** Where a run's data comes from: a `flowseg prepare` output dir, or `synthetic` (the embedded ambiguous set). */
export interface DataSource {
  data: string;
  synthetic: Pick<Required<SyntheticOptions>, 'items' | 'size' | 'disagreement'>;
}

/** `synthetic` → the embedded ambiguous set; anything else must be a `flowseg prepare` output dir. */
export function openDataset(source: DataSource): Dataset {
  if (source.data === 'synthetic') {
    return syntheticDataset({ items: source.synthetic.items, size: source.synthetic.size, disagreement: source.synthetic.disagreement, seed: 0 });
  }
  if (!existsSync(source.data))
    throw new FlowsegInputError(`--data ${source.data}: no such directory (run \`flowseg prepare\` first, or use --data synthetic)`);
  return openPrepared(source.data);
}
