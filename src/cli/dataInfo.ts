/** `flowseg data info <dir> [--json]`: the prepare summary, read back from a prepared dataset. */
import type { Command } from 'commander';
import { preparedSummary, readPreparedIndex } from '../data/prepared/open.js';
import { formatSummary } from '../data/summary.js';
import { formatParts } from './prepare.js';

export function register(program: Command): void {
  const data = program.commands.find((c) => c.name() === 'data') ?? program.command('data').description('inspect datasets');
  data
    .command('info')
    .description('summarize a prepared dataset (counts, raters, size, rater histogram, value ranges)')
    .argument('<dir>', 'folder written by flowseg prepare')
    .option('--json', 'print the summary as JSON on stdout')
    .action((dir: string, o: { json?: boolean }) => {
      const index = readPreparedIndex(dir);
      const summary = preparedSummary(index);
      if (o.json) {
        process.stdout.write(`${JSON.stringify({ ...summary, source: index.source, createdAt: index.createdAt })}\n`);
      } else {
        process.stdout.write(`${formatSummary(summary)}\nsource     ${index.source.format} ${index.source.input}\n${formatParts(index.source.parts ?? [])}`);
      }
    });
}
