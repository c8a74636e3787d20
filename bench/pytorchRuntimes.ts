/**
 * How the bench runs PyTorch, the reference: as installed (glibc's malloc), and with tcmalloc
 * preloaded, as PyTorch's CPU performance tuning guide recommends. The stronger of the two per
 * case is the baseline. On machines where page faults are dear (the VMs flowseg is measured on:
 * 2–5× slower training with glibc's malloc, whose large blocks are fresh mmaps every step),
 * glibc's PyTorch is no baseline at all; flowseg's own caching allocator (docs/engine.md) is
 * why it needs no preload.
 */
import { existsSync } from 'node:fs';

export interface PytorchRuntime {
  name: 'glibc' | 'tcmalloc';
  env: Record<string, string>;
}

/** Debian's libtcmalloc-minimal4 (setup.sh --with-python installs it). */
export const TCMALLOC = '/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4';

export function pytorchRuntimes(exists: (path: string) => boolean = existsSync): PytorchRuntime[] {
  const runtimes: PytorchRuntime[] = [{ name: 'glibc', env: {} }];
  if (exists(TCMALLOC)) runtimes.push({ name: 'tcmalloc', env: { LD_PRELOAD: TCMALLOC } });
  return runtimes;
}
