// Progress of a run on stderr: a bar with the current benchmark and an ETA on a terminal, plain
// lines otherwise (logs, CI). The ETA assumes each remaining benchmark uses its whole time budget
// (warm-up + maximum sampling time; validation and the first run are not counted), so it is a rough guess.
import { now } from './sampling.js';

export interface Progress {
  /** Benchmark `index` (0-based) of `total` starts. */
  start(index: number, label: string): void;
  /** Fraction done of the current benchmark and its phase. */
  update(fraction: number, phase: string): void;
  /** The current benchmark is done; `line` summarizes it. */
  done(line: string): void;
  note(line: string): void;
  finish(): void;
}

const fmtTime = (ms: number): string => {
  const s = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};

export function createProgress(total: number, budgetMs: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  const tty = stream.isTTY === true;
  let index = 0, label = '', fraction = 0, phase = '', last = 0, started = now();
  const width = 24;
  const render = (force = false) => {
    if (!tty) return;
    const t = now();
    if (!force && t - last < 100) return;
    last = t;
    const doneFrac = (index + Math.min(1, fraction)) / total;
    const filled = Math.round(doneFrac * width);
    const remaining = (total - index - Math.min(1, fraction)) * budgetMs;
    const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${index + 1}/${total}  ETA ~${fmtTime(remaining)}  ${phase}: ${label}`;
    stream.write(`\r\x1b[2K${line.slice(0, (stream.columns ?? 120) - 1)}`);
  };
  const clear = () => {
    if (tty) stream.write('\r\x1b[2K');
  };
  return {
    start(i, l) {
      index = i;
      label = l;
      fraction = 0;
      phase = 'validating';
      started = now();
      if (!tty) stream.write(`[${i + 1}/${total}] ${l} ...\n`);
      render(true);
    },
    update(f, p) {
      fraction = f;
      phase = p;
      render();
    },
    done(line) {
      clear();
      stream.write(`[${index + 1}/${total}] ${line} (${fmtTime(now() - started)})\n`);
      fraction = 1;
    },
    note(line) {
      clear();
      stream.write(`${line}\n`);
      render(true);
    },
    finish() {
      clear();
    },
  };
}
