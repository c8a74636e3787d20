/**
 * Progress for long item streams of unknown length: a live cli-progress line when stderr is
 * a terminal, otherwise a plain line every few seconds (logs and CI stay readable).
 */
import cliProgress from 'cli-progress';

export interface Progress {
  update(count: number): void;
  stop(): void;
  /** Items per second over the whole run. */
  rate(): number;
}

export function itemProgress(label: string, unit = 'slices', intervalMs = 5000): Progress {
  const start = performance.now();
  let count = 0;
  const rate = (): number => count / Math.max(1e-9, (performance.now() - start) / 1000);
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: `${label} {value} ${unit} | {rate} ${unit}/s | {duration_formatted}`, stream: process.stderr, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(0, 0, { rate: '0' });
    return {
      update(n) {
        count = n;
        bar.update(n, { rate: rate().toFixed(0) });
      },
      stop() {
        bar.stop();
      },
      rate,
    };
  }
  let last = start;
  return {
    update(n) {
      count = n;
      const now = performance.now();
      if (now - last >= intervalMs) {
        last = now;
        process.stderr.write(`${label} ${n} ${unit} (${rate().toFixed(0)} ${unit}/s)\n`);
      }
    },
    stop() {},
    rate,
  };
}
