// Prior noise ε [n, L] for the viewer. From `flowseg view` it comes from /api/eps, computed by
// Node's `priorNoise` (libtorch's generator) — the very numbers `flowseg sample --seed S` uses.
// As static files there is no libtorch: a seeded mulberry32 + Box–Muller stands in, so the
// samples for a seed are reproducible in the browser but differ from Node's for that seed.

export type NoiseSource = 'server' | 'browser';

export interface Noise {
  eps: Float32Array;
  source: NoiseSource;
}

export async function priorNoise(n: number, latent: number, seed: number, epsUrl: string | null): Promise<Noise> {
  if (epsUrl) {
    const r = await fetch(`${epsUrl}?n=${n}&latent=${latent}&seed=${seed}`);
    if (!r.ok) throw new Error(`noise server: ${r.status} ${await r.text()}`);
    const body = (await r.json()) as { eps: number[] };
    return { eps: Float32Array.from(body.eps), source: 'server' };
  }
  return { eps: browserNoise(n * latent, seed), source: 'browser' };
}

/** Standard normal numbers from a 32-bit seeded PRNG (mulberry32) via Box–Muller. */
export function browserNoise(count: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const uniform = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296; // (0, 1): log never sees 0
  };
  const out = new Float32Array(count);
  for (let i = 0; i < count; i += 2) {
    const r = Math.sqrt(-2 * Math.log(uniform()));
    const a = 2 * Math.PI * uniform();
    out[i] = r * Math.cos(a);
    if (i + 1 < count) out[i + 1] = r * Math.sin(a);
  }
  return out;
}
