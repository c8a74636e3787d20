import type { Mask } from './types.js';

/**
 * A mask packed to one bit per pixel, with its foreground count and the word range
 * [first, end) that holds all foreground bits, so that intersections of small lesions only
 * touch the words both masks occupy. Pixel p lives in word ⌊p/32⌋ at bit
 * 8·(p mod 4) + ⌊(p mod 32)/4⌋: a fixed permutation inside each word that lets the packer
 * take 4 pixels per 32-bit read. Counts and intersections do not depend on bit order.
 */
export interface PackedMask {
  readonly words: Uint32Array;
  readonly count: number;
  readonly first: number;
  readonly end: number;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Hamming weight of a 32-bit word (SWAR bit trick, Hacker's Delight §5-1). */
export function popcount32(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  v = (v + (v >>> 4)) & 0x0f0f0f0f;
  return Math.imul(v, 0x01010101) >>> 24;
}

/**
 * Packs 32 pixels per word from eight little-endian 32-bit reads: read t holds pixels 4t..4t+3
 * as bytes 0/1 at bits 0, 8, 16, 24, so shifting it by t interleaves the eight reads without
 * collisions. Returns false (words unusable) if any byte was not 0/1.
 */
function packAligned(mask: Mask, words: Uint32Array): boolean {
  const full = mask.length >>> 5;
  const q = new Uint32Array(mask.buffer, mask.byteOffset, full << 3);
  let seen = 0;
  for (let w = 0, j = 0; w < full; w++, j += 8) {
    const q0 = q[j];
    const q1 = q[j + 1];
    const q2 = q[j + 2];
    const q3 = q[j + 3];
    const q4 = q[j + 4];
    const q5 = q[j + 5];
    const q6 = q[j + 6];
    const q7 = q[j + 7];
    seen |= q0 | q1 | q2 | q3 | q4 | q5 | q6 | q7;
    words[w] = q0 | (q1 << 1) | (q2 << 2) | (q3 << 3) | (q4 << 4) | (q5 << 5) | (q6 << 6) | (q7 << 7);
  }
  return (seen & 0xfefefefe) === 0;
}

/** The same layout one byte at a time (unaligned views, non-0/1 bytes, the ragged tail). */
function packBytes(mask: Mask, words: Uint32Array, from: number): void {
  for (let p = from; p < mask.length; p++) {
    if (mask[p] !== 0) words[p >>> 5] |= 1 << (((p & 3) << 3) | ((p >>> 2) & 7));
  }
}

/** Packs a mask to bits; any nonzero byte is foreground. */
export function packMask(mask: Mask): PackedMask {
  const nWords = (mask.length + 31) >>> 5;
  const words = new Uint32Array(nWords);
  const full = mask.length >>> 5;
  const fast = LITTLE_ENDIAN && (mask.byteOffset & 3) === 0 && packAligned(mask, words);
  if (fast) {
    packBytes(mask, words, full << 5);
  } else {
    words.fill(0);
    packBytes(mask, words, 0);
  }
  let count = 0;
  let first = nWords;
  let end = 0;
  for (let w = 0; w < nWords; w++) {
    const v = words[w];
    if (v !== 0) {
      count += popcount32(v);
      if (first === nWords) first = w;
      end = w + 1;
    }
  }
  if (count === 0) first = 0;
  return { words, count, first, end };
}

/** |a ∩ b| of two packed masks of the same pixel count. */
export function intersectionCount(a: PackedMask, b: PackedMask): number {
  const lo = Math.max(a.first, b.first);
  const hi = Math.min(a.end, b.end);
  const wa = a.words;
  const wb = b.words;
  let total = 0;
  // popcount32 written out: this loop is the hot path of GED and Hungarian IoU
  for (let w = lo; w < hi; w++) {
    let v = wa[w] & wb[w];
    v = v - ((v >>> 1) & 0x55555555);
    v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
    v = (v + (v >>> 4)) & 0x0f0f0f0f;
    total += Math.imul(v, 0x01010101) >>> 24;
  }
  return total;
}
