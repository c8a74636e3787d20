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
  const finished = jobs.map((j) => j.done);
  let measuredSteps = 0;
  let measuredSeconds = 0;
  const evalSeconds: number[] = [];
  let active = -1;
  let activeFrom = 0;
  let activeStart = 0;
  const total = Math.max(1, jobs.reduce((s, j) => s + j.steps, 0));
  const completed = (): number => current.reduce((s, c, i) => s + Math.min(c, jobs[i]?.steps ?? c), 0);
  let training = false;
  const secondsPerStep = (): number => {
    const liveSteps = training ? current[active] - activeFrom : 0;
    const liveSeconds = liveSteps > 0 ? (performance.now() - activeStart) / 1000 : 0;
    const steps = measuredSteps + liveSteps;
    return steps > 0 ? (measuredSeconds + liveSeconds) / steps : Number.NaN;
  };
  const eta = (): number => {
    const sps = secondsPerStep();
    const evalMean = evalSeconds.length ? evalSeconds.reduce((a, b) => a + b, 0) / evalSeconds.length : 0;
    return jobs.reduce((sum, j, i) => {
      if (finished[i]) return sum;
      const train = Math.max(0, j.steps - current[i]) * sps;
      const capped = j.capSeconds === null ? train : Math.min(train, Math.max(0, j.capSeconds - current[i] * sps));
      return sum + capped + evalMean;
    }, 0);
  };
  const jobsDone = (): number => finished.filter(Boolean).length;
  const fields = () => ({ job: active >= 0 ? `${active + 1}/${jobs.length} ${jobs[active]?.label}` : `${jobsDone()}/${jobs.length}`, step: active >= 0 ? `${current[active]}/${jobs[active]?.steps}` : '-', remaining: formatDuration(eta()) });

  if (!enabled) return { start() {}, step() {}, evaluating() {}, end() {}, stop() {} };
  // Training blocks the event loop, so the bar must redraw synchronously from update().
  const bar = tty
    ? new cliProgress.SingleBar({ format: 'cv [{bar}] {percentage}% | job {job} | step {step} | ETA {remaining}', stream: process.stderr, hideCursor: true, synchronousUpdate: true, forceRedraw: true }, cliProgress.Presets.shades_classic)
    : null;
  bar?.start(total, completed(), fields());
  const say = (text: string): void => {
    // A per-job line goes above the bar: clear the bar's line, print, redraw.
    process.stderr.write(bar ? `\r\x1b[2K${text}\n` : `${text}\n`);
    bar?.render();
  };
  let lastLine = 0;
  const plain = (force: boolean): void => {
    const now = performance.now();
    if (bar) return bar.update(completed(), fields());
    if (!force && now - lastLine < 10_000) return;
    lastLine = now;
    const f = fields();
    process.stderr.write(`cv ${Math.floor((100 * completed()) / total)}% | job ${f.job} | step ${f.step} | ${secondsPerStep().toFixed(2)} s/step | ETA ${f.remaining}\n`);
  };
  return {
    start(i, fromStep) {
      active = i;
      training = true;
      activeFrom = fromStep;
      activeStart = performance.now();
      current[i] = fromStep;
      say(`[${i + 1}/${jobs.length}] ${jobs[i]?.label}: ${fromStep > 0 ? `resuming at step ${fromStep}` : 'training'} (≤ ${jobs[i]?.steps} steps)`);
      plain(true);
    },
    step(i, step) {
      current[i] = step;
      plain(false);
    },
    evaluating(i) {
      // Fold this job's measured step time into the ETA, then count its budget as trained.
      if (current[i] > activeFrom) {
        measuredSteps += current[i] - activeFrom;
        measuredSeconds += (performance.now() - activeStart) / 1000;
      }
      training = false;
      current[i] = Math.max(current[i], jobs[i]?.steps ?? 0);
      plain(true);
    },
    end(i, m) {
      evalSeconds.push(m.evalSeconds);
      finished[i] = true;
      active = -1;
      say(`[${i + 1}/${jobs.length}] ${jobs[i]?.label}: ${m.summary}`);
      plain(true);
    },
    stop() {
      bar?.stop();
    },
  };
}
