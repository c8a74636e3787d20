/**
 * The gradient-norm limit of each step (`gradClip` / `--grad-clip`):
 * - a number: a fixed limit (torch.nn.utils.clip_grad_norm_);
 * - `auto`: AUTO_CLIP_FACTOR × the median norm of the last AUTO_CLIP_WINDOW steps, once
 *   AUTO_CLIP_MIN_HISTORY norms are known. It cuts the rare spikes (on LIDC, 20–40× the typical
 *   norm, which threw a 60-min run back by ~300 steps) and leaves ordinary steps alone, whatever
 *   the scale of the loss (a pixel-summed CE grows with the image size, so no one fixed number
 *   fits every dataset);
 * - null: no clipping.
 * The history is part of the training state, so `--resume` continues with the same limits.
 */
export type GradClipSetting = number | 'auto' | null;

export const AUTO_CLIP_FACTOR = 4;
export const AUTO_CLIP_WINDOW = 100;
export const AUTO_CLIP_MIN_HISTORY = 20;

export class GradClipPolicy {
  private readonly norms: number[];

  constructor(
    private readonly setting: GradClipSetting,
    history: readonly number[] = [],
  ) {
    this.norms = history.slice(-AUTO_CLIP_WINDOW);
  }

  /** The limit for the next step; null = do not clip. */
  limit(): number | null {
    if (this.setting !== 'auto') return this.setting;
    if (this.norms.length < AUTO_CLIP_MIN_HISTORY) return null;
    return AUTO_CLIP_FACTOR * median(this.norms);
  }

  /** Records a step's norm before clipping (non-finite norms are not history). */
  observe(norm: number): void {
    if (this.setting !== 'auto' || !Number.isFinite(norm)) return;
    this.norms.push(norm);
    if (this.norms.length > AUTO_CLIP_WINDOW) this.norms.shift();
  }

  /** The norms the next limits depend on (saved with the training state). */
  history(): number[] {
    return [...this.norms];
  }
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}
