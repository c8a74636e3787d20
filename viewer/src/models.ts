// The models the page can pick: what the server lists in models.json (`flowseg view`: the
// shipped models, then the file given with --model), a ?model=URL, or a file opened by the user.

export interface ModelEntry {
  name: string;
  /** one line of its card (what it is for) */
  summary: string;
  url: string;
  /** a file opened from this computer */
  bytes?: Uint8Array;
}

interface Listed {
  name: string;
  summary?: string;
  url: string;
}

export async function listModels(requested: string | null): Promise<ModelEntry[]> {
  const out: ModelEntry[] = [];
  if (requested) out.push({ name: requested.split('/').pop() ?? requested, summary: `from ${requested}`, url: requested });
  try {
    const r = await fetch('models.json', { cache: 'no-store' });
    if (r.ok) {
      const body = (await r.json()) as { models?: Listed[] };
      for (const m of body.models ?? []) out.push({ name: m.name, summary: m.summary ?? '', url: m.url });
      return out;
    }
  } catch {
    // a static host without the list: fall through
  }
  const probe = await fetch('model.onnx', { method: 'HEAD' }).catch(() => null);
  if (probe?.ok) out.push({ name: 'model.onnx', summary: 'the model beside this page', url: 'model.onnx' });
  return out;
}
