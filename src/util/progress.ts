import cliProgress from 'cli-progress';

/**
 * Progress of long work counted in units (training steps, evaluated images): a live bar with
 * ETA on a terminal, a plain line every ~10 s otherwise (logs and CI stay readable).
 */
export interface CountProgress {
  /** `done` units so far; `info` is shown after the count (e.g. "epoch 3 | loss 812.4"). */
  update(done: number, info?: string): void;
  /** A temporary state shown instead of the info (e.g. "validating"); '' clears it. */
  status(text: string): void;
  stop(): void;
}

export interface ProgressOptions {
  label: string;
  total: number;
  /** Plural unit name: steps, images. */
  unit: string;
  /** The count already done when the bar starts (a resumed run's step); rates count from it. Default 0. */
  start?: number;
  enabled?: boolean;
  /** A time budget: the expected total then shrinks to what fits in the remaining time. */
  maxSeconds?: number | null;
}

export function countProgress(o: ProgressOptions): CountProgress {
  if (o.enabled === false) return { update() {}, status() {}, stop() {} };
  const started = performance.now();
  const first = o.start ?? 0;
  let info = '';
  let state = '';
  const expectedTotal = (done: number): number => {
    const elapsed = (performance.now() - started) / 1000;
    if (o.maxSeconds == null || elapsed < 1 || done <= first) return o.total;
    const rate = (done - first) / elapsed;
    return Math.max(done, Math.min(o.total, Math.round(done + rate * Math.max(0, o.maxSeconds - elapsed))));
  };
  /**
   * ` | info | 2.00 images/s | ETA 26s`: the rate counts from the bar's start; before the first
   * unit is done there is no rate, and the line says nothing of it (no "0.00/s", no "ETA ?").
   */
  const tail = (done: number, expected: number): string => {
    const text = state || info;
    const rate = done > first ? (done - first) / Math.max(1e-9, (performance.now() - started) / 1000) : Number.NaN;
    const speed = Number.isFinite(rate) && rate > 0 ? ` | ${rate.toFixed(2)} ${o.unit}/s | ETA ${Math.round((expected - done) / rate)}s` : '';
    return `${text ? ` | ${text}` : ''}${speed}`;
  };
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: `${o.label} [{bar}] {value}/{total} ${o.unit}{tail}`, stream: process.stderr, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(Math.max(1, o.total), first, { tail: '' });
    let last = first;
    return {
      update(done, text) {
        info = text ?? info;
        last = done;
        const expected = expectedTotal(done);
        if (expected !== bar.getTotal()) bar.setTotal(expected);
        bar.update(done, { tail: tail(done, expected) });
      },
      status(text) {
        state = text;
        bar.update(last, { tail: tail(last, bar.getTotal()) });
      },
      stop() {
        bar.stop();
      },
    };
  }
  let lastLine = started;
  return {
    update(done, text) {
      info = text ?? info;
      const now = performance.now();
      const expected = expectedTotal(done);
      if (now - lastLine < 10_000 && done < expected) return;
      lastLine = now;
      process.stderr.write(`${o.label} ${done}/${expected} ${o.unit}${tail(done, expected)}\n`);
    },
    status(text) {
      if (text) process.stderr.write(`${o.label} ${text}…\n`);
    },
    stop() {},
  };
}
