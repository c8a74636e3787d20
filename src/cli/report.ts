import { type Command, Option } from 'commander';
import { relative } from 'node:path';
import { buildReport } from '../eval/report/buildReport.js';
import { REFERENCE_NAMES, type ReferenceName } from '../eval/report/references.js';

/** `flowseg report <dirs...> --out report/`: merge run folders, evaluation folders and experiment trees into one report. */
export function register(program: Command): void {
  program
    .command('report')
    .description(
      'Table-1 report (mean ± std over folds per variant, paired tests between variants) from run folders, evaluation folders or experiment folders (searched recursively)',
    )
    .argument(
      '<dirs...>',
      'run folders (config.json + eval/summary.json), evaluation folders (`flowseg evaluate --model NAME --out E`: E/summary.json) and/or experiment folders like exp/',
    )
    .option('-o, --out <dir>', 'report folder: new, empty, or an earlier report (replaced atomically)', 'report')
    .option('--overwrite', 'also write into a folder flowseg did not create (only its own files are replaced)')
    .addOption(
      new Option('--reference <paper>', "published rows and protocol to print beside ours (auto: from the dataset's name)")
        .choices(['auto', 'none', ...REFERENCE_NAMES])
        .default('auto'),
    )
    .action((dirs: string[], opts: { out: string; overwrite?: boolean; reference: ReferenceName | 'auto' | 'none' }) => {
      const result = buildReport(dirs, opts.out, new Date(), { overwrite: opts.overwrite, reference: opts.reference });
      for (const note of result.notes) process.stderr.write(`flowseg report: ${note}\n`);
      const shown = relative(process.cwd(), result.html) || result.html;
      const evaluations = result.evaluations ? `${result.evaluations} evaluation folders, ` : '';
      process.stdout.write(`report: ${shown} (${result.runs} runs, ${evaluations}${result.variants.length} variants; also report.md, table.csv, table.json)\n`);
    });
}
