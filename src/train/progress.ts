import cliProgress from 'cli-progress';

/** Training progress: a live bar with ETA and loss on a terminal, plain lines (every ~10 s) otherwise. */
export interface StepProgress {
  update(step: number, fields: { loss: number; epoch: number }): void;
  stop(): void;
}

/** `maxSeconds`: a time budget; the expected total then shrinks to what fits in the remaining time. */
export function stepProgress(label: string, total: number, enabled = true, maxSeconds: number | null = null): StepProgress {
  if (!enabled) return { update() {}, stop() {} };
  const started = performance.now();
  let firstStep: number | null = null;
  const expectedTotal = (step: number): number => {
    firstStep ??= step;
    const elapsed = (performance.now() - started) / 1000;
    if (maxSeconds === null || elapsed < 1 || step <= firstStep) return total;
    const rate = (step - firstStep) / elapsed;
    return Math.max(step, Math.min(total, Math.round(step + rate * Math.max(0, maxSeconds - elapsed))));
  };
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: `${label} [{bar}] {value}/{total} steps | epoch {epoch} | loss {loss} | ETA {eta_formatted}`, stream: process.stderr, hideCursor: true, etaBuffer: 50 },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { loss: '-', epoch: 0 });
    return {
      update(step, f) {
        const expected = expectedTotal(step);
        if (expected !== bar.getTotal()) bar.setTotal(expected);
        bar.update(step, { loss: f.loss.toFixed(2), epoch: f.epoch });
      },
      stop() {
        bar.stop();
      },
    };
  }
  const start = performance.now();
  let last = start;
  let first: number | null = null;
  return {
    update(step, f) {
      const now = performance.now();
      first ??= step;
      const expected = expectedTotal(step);
      if (now - last < 10_000 && step < expected) return;
      last = now;
      const rate = (step - first) / Math.max(1e-9, (now - start) / 1000);
      const eta = rate > 0 ? (expected - step) / rate : Number.NaN;
      process.stderr.write(`${label} step ${step}/${expected} epoch ${f.epoch} loss ${f.loss.toFixed(3)} ${rate.toFixed(2)} steps/s ETA ${Number.isFinite(eta) ? `${Math.round(eta)}s` : '?'}\n`);
    },
    stop() {},
  };
}
