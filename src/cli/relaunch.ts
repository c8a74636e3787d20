/**
 * `flowseg sample` relaunches itself once with glibc's malloc backed by transparent huge pages.
 *
 * A one-shot `sample` spends most of its time touching fresh memory: onnxruntime's arena, its
 * pre-packed weights, the first run's activations, V8's heap. Each first touch of a 4 KiB page is
 * a page fault, and on virtual machines like the ones flowseg is measured on a fault costs
 * microseconds: 340 of the command's 1,345 ms (docs/scans.md, "Speed").
 * glibc ≥ 2.35 can back its heap and its mmap'd chunks with 2 MiB pages (`glibc.malloc.hugetlb=1`),
 * but reads that tunable only when a process starts; hence one relaunch, which costs a Node start.
 * Off Linux, with THP switched off, when the tunable is set already, or with
 * FLOWSEG_HUGE_PAGES=0, nothing happens. Older glibc and musl ignore the tunable.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export const HUGE_PAGE_TUNABLE = 'glibc.malloc.hugetlb=1';

/** Commands that gain: short runs whose time is first touches of onnxruntime's memory. */
const RELAUNCHED_COMMANDS = new Set(['sample']);

/** The kernel's THP mode ('always' | 'madvise' | 'never'), or undefined when unknown. */
export function thpMode(read: (path: string) => string = (p) => readFileSync(p, 'utf8')): string | undefined {
  try {
    return /\[(\w+)\]/.exec(read('/sys/kernel/mm/transparent_hugepage/enabled'))?.[1];
  } catch {
    return undefined;
  }
}

/**
 * The environment to relaunch with, or undefined to run in this process. `thp` is the kernel's
 * mode: glibc's tunable asks for huge pages with madvise, so it only matters in 'madvise' mode
 * ('always' gives them anyway, 'never' refuses them).
 */
export function relaunchEnv(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform,
  thp: string | undefined,
): NodeJS.ProcessEnv | undefined {
  if (platform !== 'linux' || thp !== 'madvise') return undefined;
  if (!RELAUNCHED_COMMANDS.has(argv[2] ?? '')) return undefined;
  if (env.FLOWSEG_HUGE_PAGES === '0' || (env.GLIBC_TUNABLES ?? '').includes('glibc.malloc.hugetlb')) return undefined;
  const tunables = env.GLIBC_TUNABLES ? `${env.GLIBC_TUNABLES}:${HUGE_PAGE_TUNABLE}` : HUGE_PAGE_TUNABLE;
  return { ...env, GLIBC_TUNABLES: tunables };
}

/**
 * Runs this command again in a child with `env` and mirrors its end: the same exit code, or the
 * same signal. Ctrl-C reaches both processes (one process group); this one waits for the child,
 * which cleans up as usual. SIGTERM and SIGHUP are passed on.
 */
export function relaunch(env: NodeJS.ProcessEnv): Promise<never> {
  return new Promise(() => {
    const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit', env });
    const ignore = (): void => {};
    const forward = (signal: NodeJS.Signals) => (): void => {
      child.kill(signal);
    };
    const handlers: [NodeJS.Signals, () => void][] = [
      ['SIGINT', ignore],
      ['SIGTERM', forward('SIGTERM')],
      ['SIGHUP', forward('SIGHUP')],
    ];
    for (const [signal, handler] of handlers) process.on(signal, handler);
    child.on('error', (err) => {
      process.stderr.write(`flowseg: cannot relaunch ${process.execPath} (${err.message}); set FLOWSEG_HUGE_PAGES=0 to run without it\n`);
      process.exit(1);
    });
    child.on('exit', (code, signal) => {
      for (const [s, handler] of handlers) process.off(s, handler);
      if (signal) process.kill(process.pid, signal);
      else process.exit(code ?? 1);
    });
  });
}
