/** `flowseg prepare --format <name> <input> --out <dir> [--json]` */
import type { Command } from 'commander';
import { z } from 'zod';
import { FORMATS, type ReaderOptions, formatNames, readerFor } from '../data/formats.js';
import { type PartCount, readParts } from '../data/parts.js';
import { writePrepared } from '../data/prepared/write.js';
import { type DatasetSummary, formatSummary } from '../data/summary.js';
import { FlowsegInputError } from '../util/errors.js';
import { itemProgress } from './progress.js';
import { removeTempsOnSignals } from '../util/temps.js';

const positiveInt = (flag: string) =>
  z.coerce
    .number({ invalid_type_error: `${flag} must be a number` })
    .int(`${flag} must be an integer`)
    .positive(`${flag} must be > 0`);

const optionsSchema = z.object({
  format: z.string(),
  out: z.string().min(1),
  json: z.boolean().default(false),
  overwrite: z.boolean().default(false),
  size: positiveInt('--size').optional(),
  grayscale: z.boolean().optional(),
  patchSize: positiveInt('--patch-size').optional(),
  seed: z.coerce.number().int('--seed must be an integer').optional(),
  items: positiveInt('--items').optional(),
  limit: positiveInt('--limit').optional(),
});

export function register(program: Command): void {
  program
    .command('prepare')
    .description("convert a dataset into flowseg's prepared format (index.json + images.f32 + masks.u8)")
    .argument('<inputs...>', 'files or folders to read, one or more parts of one dataset (for --format synthetic, any word, e.g. "synthetic")')
    .requiredOption('--format <name>', `input format: ${formatNames().join(', ')}`)
    .requiredOption('--out <dir>', 'output folder (must be new or empty)')
    .option('--json', 'print the summary as JSON on stdout')
    .option('--overwrite', 'replace an existing prepared dataset at --out')
    .option('--size <px>', 'expected / target image side (resizing readers resize to it)')
    .option('--grayscale', 'convert RGB images to one gray channel')
    .option('--patch-size <px>', 'patch side for readers that tile (retina)')
    .option('--seed <n>', 'seed for readers with randomness (synthetic)')
    .option('--items <n>', 'number of items to generate (synthetic)')
    .option('--limit <n>', 'stop after this many items')
    .addHelpText(
      'after',
      `\nFormats:\n${Object.entries(FORMATS)
        .map(([k, v]) => `  ${k.padEnd(12)} ${v.description}`)
        .join('\n')}`,
    )
    .action(async (inputs: string[], raw: Record<string, unknown>) => {
      removeTempsOnSignals(); // Ctrl-C while streaming leaves no half-written dataset folder
      const parsed = optionsSchema.safeParse(raw);
      if (!parsed.success) throw new FlowsegInputError(parsed.error.issues[0].message);
      const o = parsed.data;
      const read = readerFor(o.format);
      const readerOptions: ReaderOptions = {
        size: o.size,
        grayscale: o.grayscale,
        patchSize: o.patchSize,
        seed: o.seed,
        items: o.items,
        limit: o.limit,
      };
      const parts: PartCount[] = [];
      const input = inputs.join(', ');
      const progress = itemProgress('prepare', 'slices');
      const start = performance.now();
      let summary: DatasetSummary;
      try {
        const items = inputs.length === 1 ? read(inputs[0], readerOptions) : readParts(read, inputs, readerOptions, parts);
        summary = await writePrepared(items, {
          out: o.out,
          source: { format: o.format, input, parts },
          overwrite: o.overwrite,
          onItem: (n) => progress.update(n),
        });
      } finally {
        progress.stop();
      }
      const seconds = (performance.now() - start) / 1000;
      const throughput = summary.items / Math.max(seconds, 1e-9);
      if (o.json) {
        const partsJson = parts.length > 1 ? { parts } : {};
        process.stdout.write(`${JSON.stringify({ ...summary, out: o.out, format: o.format, ...partsJson, seconds, slicesPerSecond: throughput })}\n`);
      } else {
        process.stdout.write(
          `${formatSummary(summary)}\n${formatParts(parts)}wrote      ${o.out} in ${seconds.toFixed(1)} s (${throughput.toFixed(0)} slices/s)\n`,
        );
      }
    });
}

/** One line per part of a several-part dataset (nothing for one input). */
export function formatParts(parts: readonly PartCount[]): string {
  if (parts.length < 2) return '';
  return parts.map((p, i) => `part ${i + 1}     ${p.input}: ${p.patients} patients, ${p.items} slices\n`).join('');
}
