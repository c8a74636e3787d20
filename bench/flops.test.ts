import { test } from 'node:test';
import assert from 'node:assert/strict';
import { caseFlopsPerImage, convFlops, encoderFlops, fcombFlops, machinePeak, sampleFlops, unetFlops } from './flops.js';
import { DEFAULT_MODEL_CONFIG } from '../src/models/config.js';

// filters [2, 4], one conv per block, 1 input channel, L = 1, 4×4 images — by hand:
//   down: 1→2 at 4×4: 2·1·2·9·16 = 576;  2→4 at 2×2: 2·2·4·9·4 = 576
//   up:   (4+2)→2 at 4×4: 2·6·2·9·16 = 3456                      U-Net 4608
//   prior: down 1152 + head 4→2L at 1×1: 2·4·2 = 16              1168
//   posterior (2 channels): 2→2 at 4×4: 1152, 2→4: 576, head 16   1744
//   fcomb (F = 2): per image 2→2 1×1 at 4×4: 2·2·2·16 = 128; per sample z 1→2: 4,
//     2 × (2→2): 256, 2→1: 2·2·16 = 64 → 324
const tiny = { inChannels: 1, filters: [2, 4], convsPerBlock: 1, latent: 1 };

test('FLOP counts of a tiny model, by hand', () => {
  assert.equal(convFlops(3, 5, 3, 7, 11), 2 * 3 * 5 * 9 * 77);
  assert.equal(unetFlops(tiny, 4, 4), 4608);
  assert.equal(encoderFlops(tiny, 1, 4, 4), 1168);
  assert.equal(encoderFlops(tiny, 2, 4, 4), 1744);
  assert.equal(fcombFlops(tiny, 4, 4, 1), 128 + 324);
  assert.equal(caseFlopsPerImage('probunet_planar2_train', tiny, 4, 4), 3 * (4608 + 1168 + 1744 + 452));
  assert.equal(caseFlopsPerImage('unet_train', tiny, 4, 4), 3 * (4608 + 64));
  assert.equal(caseFlopsPerImage('unet_forward', tiny, 4, 4), 4608);
  assert.equal(sampleFlops(tiny, 4, 4, 16), 4608 + 1168 + 128 + 16 * 324);
  assert.throws(() => caseFlopsPerImage('nope', tiny, 4, 4), /no FLOP count/);
});

test("Kohl's U-Net at 128²: 6.96 GFLOP per image (multiply-adds per pixel by hand, × pixels × 2)", () => {
  // MACs per pixel: down 18720 (128²), 92160 (64²), 368640 (32²), 884736 (16²);
  // up 663552 (32²), 184320 (64²), 46080 (128²)
  const macs = 18720 * 16384 + 92160 * 4096 + 368640 * 1024 + 884736 * 256 + 663552 * 1024 + 184320 * 4096 + 46080 * 16384;
  assert.equal(macs, 3_477_602_304);
  assert.equal(unetFlops(DEFAULT_MODEL_CONFIG, 128, 128), 2 * macs);
});

test('machine peak: 32 (AVX2) or 64 (AVX-512) FLOP/cycle × clock × threads; cpufreq max preferred; null without AVX2+FMA', () => {
  const cpuinfo = 'processor\t: 0\nflags\t\t: fpu sse2 avx2 fma\ncpu MHz\t\t: 2445.430\nprocessor\t: 1\nflags\t\t: fpu sse2 avx2 fma\ncpu MHz\t\t: 2400.000\n';
  const noFreq = (p: string): string => {
    if (p === '/proc/cpuinfo') return cpuinfo;
    throw new Error('ENOENT');
  };
  const peak = machinePeak(2, noFreq);
  assert.ok(peak);
  assert.ok(Math.abs(peak.gflops - (32 * 2445.43 * 2) / 1000) < 1e-9);
  assert.match(peak.assumption, /cpu MHz/);
  const withFreq = machinePeak(1, (p) => (p === '/proc/cpuinfo' ? cpuinfo : '3500000\n'));
  assert.equal(withFreq?.gflops, 112);
  assert.equal(
    machinePeak(2, (p) => (p === '/proc/cpuinfo' ? cpuinfo.replaceAll(' avx2', '') : '')),
    null,
  );
  // AVX-512: 64 FLOP/cycle (2 × 16 lanes × 2)
  const avx512 = machinePeak(2, (p) => (p === '/proc/cpuinfo' ? cpuinfo.replaceAll(' fma', ' fma avx512f') : '2096000\n'));
  assert.ok(avx512);
  assert.ok(Math.abs(avx512.gflops - (64 * 2096 * 2) / 1000) < 1e-9);
  assert.match(avx512.assumption, /64 fp32 FLOP\/cycle \(AVX-512/);
});
