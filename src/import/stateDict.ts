import { PyDict, type PyValue } from '../data/pickle/values.js';
import { FlowsegInputError } from '../util/errors.js';
import { readTorchFile, type ImportedTensor } from './torchFile.js';
import { TorchTensorRef } from './torchPickle.js';

/** Where training scripts commonly nest the weights inside a checkpoint dict, in the order tried. */
const NESTED_KEYS = ['state_dict', 'model_state_dict', 'model', 'net', 'network', 'model_state', 'weights'];

const tensorCount = (entries: Iterable<[PyValue, PyValue]>): number => {
  let n = 0;
  for (const [k, v] of entries) if (typeof k === 'string' && v instanceof TorchTensorRef) n++;
  return n;
};

/**
 * The state_dict of a torch.save checkpoint as named float64 tensors: the top-level dict when
 * it holds tensors, else the first of `state_dict`, `model_state_dict`, `model`, … that does.
 * DataParallel's `module.` prefix is removed.
 */
export function readStateDict(path: string): { tensors: Map<string, ImportedTensor>; nestedKey: string | null } {
  const file = readTorchFile(path);
  let chosen: [PyValue, PyValue][] = file.entries;
  let nestedKey: string | null = null;
  if (tensorCount(chosen) === 0) {
    const top = new Map(file.entries);
    const key = NESTED_KEYS.find((k) => {
      const v = top.get(k);
      return v instanceof PyDict && tensorCount(v.map) > 0;
    });
    if (key === undefined) {
      const keys = file.entries.map(([k]) => String(k)).slice(0, 8);
      throw new FlowsegInputError(
        `${path}: no state_dict found (top-level keys: ${keys.join(', ') || 'none'}); save torch.save(model.state_dict(), path) or a dict with a "state_dict" key`,
      );
    }
    chosen = [...(top.get(key) as PyDict).map];
    nestedKey = key;
  }
  const allPrefixed = chosen.every(([k]) => typeof k === 'string' && k.startsWith('module.'));
  const tensors = new Map<string, ImportedTensor>();
  for (const [k, v] of chosen) {
    if (typeof k !== 'string' || !(v instanceof TorchTensorRef)) continue; // e.g. a stored step count
    const name = allPrefixed ? k.slice('module.'.length) : k;
    tensors.set(name, file.tensor(v, k));
  }
  return { tensors, nestedKey };
}
