/**
 * The environment that holds a benchmark child (PyTorch or flowseg) to `threads` threads: OpenMP's
 * pool and OpenBLAS's own, which torch.set_num_threads does not reach.
 */
export function threadEnv(threads: number | string): { OMP_NUM_THREADS: string; OPENBLAS_NUM_THREADS: string } {
  const n = String(threads);
  return { OMP_NUM_THREADS: n, OPENBLAS_NUM_THREADS: n };
}
