// zoo report: renders check, bench and parity results files as one self-contained HTML page
// (chart.js inlined, opens offline) or as a markdown summary (reports/render/).
import type { Command } from 'commander';
import { writeFileAtomic } from '../reports/io.js';
import { renderReport } from '../reports/render/index.js';
import { checkChoices } from './util.js';

interface ReportOpts {
  output?: string;
  title?: string;
  format: string;
  base?: string;
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('render results files (zoo check / bench / parity --json) as a self-contained HTML report or a markdown summary')
    .argument('<results...>', 'results files; two bench files (or --base) add a comparison')
    .option('-o, --output <file>', 'file to write (default: stdout for md, out/report.html for html)')
    .option('--title <title>', 'report title', 'zoo report')
    .option('--format <format>', 'html or md', 'html')
    .option('--base <file>', 'baseline bench results file to compare the (one) bench file with')
    .action((paths: string[], o: ReportOpts) => {
      checkChoices('format', [o.format], ['html', 'md']);
      const format = o.format as 'html' | 'md';
      const text = renderReport(paths, { format, ...(o.title !== undefined ? { title: o.title } : {}), ...(o.base !== undefined ? { base: o.base } : {}) });
      const out = o.output ?? (format === 'html' ? 'out/report.html' : undefined);
      if (out === undefined) {
        process.stdout.write(text + '\n');
        return;
      }
      writeFileAtomic(out, text);
      console.log(`report: ${out} (${(text.length / 1024).toFixed(0)} KiB)`);
    });
}
