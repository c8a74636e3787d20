/**
 * One progress display across all jobs of `flowseg cv`: a live cli-progress bar on a
 * terminal, plain lines (job start/end, and every ~10 s) otherwise. Units are optimizer
 * steps; the ETA comes from the step time measured on this session's jobs (plus their mean
 * evaluation time), capped by `--max-minutes` per job.
 */
import cliProgress from 'cli-progress';

export interface PlannedJob {
  label: string;
  /** Steps the job trains at most (its budget or epochs × batches per epoch). */
  steps: number;
  /** Training-time cap in seconds (`--max-minutes`), or null. */
  capSeconds: number | null;
  done: boolean;
}

export interface CvProgress {
  start(i: number, fromStep: number): void;
  step(i: number, step: number): void;
  evaluating(i: number): void;
  end(i: number, m: { evalSeconds: number; summary: string }): void;
  stop(): void;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : m > 0 ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

export function cvProgress(jobs: readonly PlannedJob[], enabled: boolean, tty = process.stderr.isTTY === true): CvProgress {
  const current = jobs.map((j) => (j.done ? j.steps : 0));
  /** Training over (done before this run, or evaluating): its steps are final. */
  const trained = jobs.map((j) => j.done);
  const finished = jobs.map((j) => j.done);
  let measuredSteps = 0;
  let measuredSeconds = 0;
  const evalSeconds: number[] = [];
  let active = -1;
  let activeFrom = 0;
  let activeStart = 0;
  const secondsPerStep = (): number => {
    const liveSteps = active >= 0 && !trained[active] ? current[active] - activeFrom : 0;
    const liveSeconds = liveSteps > 0 ? (performance.now() - activeStart) / 1000 : 0;
    const steps = measuredSteps + liveSteps;
    return steps > 0 ? (measuredSeconds + liveSeconds) / steps : Number.NaN;
  };
  /** Steps job i will have trained: final once trained, else its budget, shortened by a time cap at the measured pace. */
  const expected = (i: number, sps: number): number => {
    const j = jobs[i] as PlannedJob;
    if (trained[i]) return current[i];
    const byTime = j.capSeconds !== null && sps > 0 ? Math.max(current[i], Math.ceil(j.capSeconds / sps)) : Number.POSITIVE_INFINITY;
    return Math.min(j.steps, byTime);
  };
  const snapshot = () => {
    const sps = secondsPerStep();
    const evalMean = evalSeconds.length ? evalSeconds.reduce((a, b) => a + b, 0) / evalSeconds.length : 0;
    let total = 0;
    let done = 0;
    let eta = 0;
    jobs.forEach((_, i) => {
      const e = expected(i, sps);
      total += e;
      done += Math.min(current[i], e);
      if (!finished[i]) eta += Math.max(0, e - current[i]) * sps + evalMean;
    });
    const job = active >= 0 ? `${active + 1}/${jobs.length} ${jobs[active]?.label}` : `${finished.filter(Boolean).length}/${jobs.length}`;
    const step = active >= 0 ? `${current[active]}/${expected(active, sps)}` : '-';
    return { total: Math.max(1, total), done, sps, fields: { job, step, remaining: formatDuration(eta) } };
  };

  if (!enabled) return { start() {}, step() {}, evaluating() {}, end() {}, stop() {} };
  // Training blocks the event loop, so the bar must redraw synchronously from update().
  const bar = tty
    ? new cliProgress.SingleBar(
        {
          format: 'cv [{bar}] {percentage}% | job {job} | step {step} | ETA {remaining}',
          stream: process.stderr,
          hideCursor: true,
          synchronousUpdate: true,
          forceRedraw: true,
        },
        cliProgress.Presets.shades_classic,
      )
    : null;
  const first = snapshot();
  bar?.start(first.total, first.done, first.fields);
  const say = (text: string): void => {
    // A per-job line goes above the bar: clear the bar's line, print, redraw.
    process.stderr.write(bar ? `\r\x1b[2K${text}\n` : `${text}\n`);
    bar?.render();
  };
  let lastLine = 0;
  const refresh = (force: boolean): void => {
    const now = performance.now();
    const snap = snapshot();
    if (bar) {
      bar.setTotal(snap.total);
      bar.update(snap.done, snap.fields);
      return;
    }
    if (!force && now - lastLine < 10_000) return;
    lastLine = now;
    const f = snap.fields;
    process.stderr.write(
      `cv ${Math.floor((100 * snap.done) / snap.total)}% | job ${f.job} | step ${f.step} | ${Number.isFinite(snap.sps) ? snap.sps.toFixed(2) : '?'} s/step | ETA ${f.remaining}\n`,
    );
  };
  return {
    start(i, fromStep) {
      active = i;
      activeFrom = fromStep;
      activeStart = performance.now();
      current[i] = fromStep;
      say(`[${i + 1}/${jobs.length}] ${jobs[i]?.label}: ${fromStep > 0 ? `resuming at step ${fromStep}` : 'training'} (≤ ${jobs[i]?.steps} steps)`);
      refresh(true);
    },
    step(i, step) {
      current[i] = step;
      refresh(false);
    },
    evaluating(i) {
      // Fold this job's measured step time into the ETA; its step count is now final.
      if (current[i] > activeFrom) {
        measuredSteps += current[i] - activeFrom;
        measuredSeconds += (performance.now() - activeStart) / 1000;
      }
      trained[i] = true;
      refresh(true);
    },
    end(i, m) {
      evalSeconds.push(m.evalSeconds);
      trained[i] = true;
      finished[i] = true;
      active = -1;
      say(`[${i + 1}/${jobs.length}] ${jobs[i]?.label}: ${m.summary}`);
      refresh(true);
    },
    stop() {
      bar?.stop();
    },
  };
}
