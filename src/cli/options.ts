import { InvalidArgumentError } from 'commander';
import { LIMITS, limit } from '../util/limits.js';

/** Commander value parsers that reject bad values with a message naming the flag's expectation. */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`expected a positive integer, got '${value}'`);
  return n;
}

export function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`expected an integer ≥ 0, got '${value}'`);
  return n;
}

export function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`expected a positive number, got '${value}'`);
  return n;
}

/** `--grad-clip`: a positive limit, `auto` (train/gradClipPolicy.ts) or `none`. */
export function gradClipSetting(value: string): number | 'auto' | null {
  if (value === 'auto') return 'auto';
  if (value === 'none') return null;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`expected a positive number, auto or none, got '${value}'`);
  return n;
}

export function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`expected a number ≥ 0, got '${value}'`);
  return n;
}

/** `--split`: train/val/test shares by patient, as percentages (60/20/20) or fractions (0.6/0.2/0.2). */
export function splitFractions(value: string): { train: number; val: number; test: number } {
  const parts = value.split('/').map((s) => Number(s.trim()));
  const bad = parts.length !== 3 || parts.some((n) => !Number.isFinite(n) || n < 0);
  const sum = parts.reduce((a, b) => a + b, 0);
  const scale = Math.abs(sum - 100) < 1e-6 ? 100 : Math.abs(sum - 1) < 1e-6 ? 1 : Number.NaN;
  if (bad || Number.isNaN(scale) || (parts[0] as number) === 0 || (parts[2] as number) === 0)
    throw new InvalidArgumentError(`expected train/val/test shares summing to 100 (or 1) with train and test > 0, like 60/20/20, got '${value}'`);
  const [train, val, test] = parts.map((n) => n / scale) as [number, number, number];
  return { train, val, test };
}

export function intList(value: string): number[] {
  const parts = value.split(',').map((s) => Number(s.trim()));
  if (parts.length === 0 || parts.some((n) => !Number.isInteger(n) || n <= 0))
    throw new InvalidArgumentError(`expected comma-separated positive integers like 32,64,128,192, got '${value}'`);
  return parts;
}

export function oneOf<T extends string>(choices: readonly T[]): (value: string) => T {
  return (value: string): T => {
    if (!(choices as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${choices.join(', ')}, got '${value}'`);
    return value as T;
  };
}

/** `-n` of sample/evaluate: a positive integer up to the samples-per-image limit (each sample is a full mask in memory). */
export function samplesPerImage(value: string): number {
  const n = positiveInt(value);
  const max = limit('maxSamples');
  if (n > max) throw new InvalidArgumentError(`${n} samples per image is more than the limit of ${max} (set ${LIMITS.maxSamples.env} to raise it)`);
  return n;
}

/** A TCP port: 0 (any free port) to 65535. */
export function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`expected a port 0–65535 (0 = any free port), got '${value}'`);
  return n;
}
