/**
 * One dataset from several parts of one format (`flowseg prepare --format lidc-png A B C`):
 * the parts' items streamed one after another, with a check that no patient occurs in two
 * parts (that would leak a patient across the train/test split of the joined set).
 */
import { FlowsegInputError } from '../util/errors.js';
import type { ItemStream, Reader, ReaderOptions } from './types.js';

/** Items and patients each part contributed, in input order. */
export interface PartCount {
  input: string;
  items: number;
  patients: number;
}

/**
 * Streams `read(input)` for each input in turn. `counts` fills as the stream runs (one entry per
 * part); a patient id met in an earlier part is refused, naming both parts.
 */
export function readParts(read: Reader, inputs: readonly string[], options: ReaderOptions, counts: PartCount[] = []): ItemStream {
  return {
    async *[Symbol.asyncIterator]() {
      const twice = inputs.find((input, i) => inputs.indexOf(input) !== i);
      if (twice !== undefined) throw new FlowsegInputError(`${twice} is given twice; name each part once`);
      const partOfPatient = new Map<string, string>();
      let remaining = options.limit;
      for (const input of inputs) {
        if (remaining === 0) break;
        const count: PartCount = { input, items: 0, patients: 0 };
        counts.push(count);
        for await (const item of read(input, { ...options, limit: remaining })) {
          const earlier = partOfPatient.get(item.patientId);
          if (earlier === undefined) {
            partOfPatient.set(item.patientId, input);
            count.patients += 1;
          } else if (earlier !== input) {
            throw new FlowsegInputError(`patient ${item.patientId} is in two parts, ${earlier} and ${input}; give each patient's slices in one part only`);
          }
          count.items += 1;
          if (remaining !== undefined) remaining -= 1;
          yield item;
        }
      }
    },
  };
}
