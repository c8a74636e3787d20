/** `flowseg models [--json]` and `flowseg models show <name> [--json]`: the shipped models and their cards. */
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { listShippedModels, loadShippedModel, modelsDir, type ShippedModel } from '../zoo/registry.js';

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;

/** The test numbers a listing shows, when the card has them. */
function testLine(m: ShippedModel): string {
  const t = m.card.testMetrics;
  const parts = [t.ged_excl !== undefined ? `GED(excl) ${t.ged_excl.toFixed(3)}` : '', t.hm_iou !== undefined ? `HM-IoU ${t.hm_iou.toFixed(3)}` : ''].filter(
    Boolean,
  );
  return parts.length > 0 ? `test ${parts.join(', ')}` : '';
}

/** One line per model: name, variant, size, summary, test GED/HM-IoU; columns aligned. */
export function formatModelList(models: readonly ShippedModel[]): string {
  const rows = models.map((m) => [m.name, m.card.variant, mb(m.bytes), m.card.summary, testLine(m)]);
  const widths = [0, 1, 2, 3].map((c) => Math.max(...rows.map((r) => (r[c] as string).length)));
  return rows
    .map(
      (r) =>
        `${r
          .map((cell, c) => cell.padEnd(widths[c] ?? 0))
          .join('  ')
          .trimEnd()}\n`,
    )
    .join('');
}

const asJson = (m: ShippedModel): Record<string, unknown> => ({ name: m.name, onnx: m.onnx, card: m.card, cardText: m.cardText, bytes: m.bytes });

export function register(program: Command): void {
  const models = program
    .command('models')
    .description('list the shipped pretrained models (one line of each card); `flowseg models show <name>` prints a card')
    .option('--json', 'print the models and their cards as JSON')
    .action((o: { json?: boolean }) => {
      const all = listShippedModels();
      if (o.json) return void process.stdout.write(`${JSON.stringify(all.map(asJson))}\n`);
      if (all.length === 0) return void process.stdout.write(`no shipped models in ${modelsDir()}\n`);
      process.stdout.write(
        `${formatModelList(all)}\nuse one with --model NAME (sample, evaluate, view, export); \`flowseg models show NAME\` prints its card\n`,
      );
    });
  models
    .command('show')
    .description("print a shipped model's card (card.md; --json: card.json and the files)")
    .argument('<name>', 'a name from `flowseg models`')
    .option('--json', 'print card.json and the model files as JSON')
    .action((name: string, o: { json?: boolean }) => {
      const m = loadShippedModel(name, modelsDir(), 'flowseg models show');
      if (o.json) return void process.stdout.write(`${JSON.stringify(asJson(m), null, 2)}\n`);
      const text = readFileSync(m.cardText, 'utf8');
      process.stdout.write(`${text.endsWith('\n') ? text : `${text}\n`}\nfiles: ${m.dir} (model.onnx ${mb(m.bytes)}, ${m.card.weights} weights)\n`);
    });
}
