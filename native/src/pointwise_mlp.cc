// fcomb's per-sample 1×1-conv MLP on tiles of pixels, activations kept channel-major in L1.
// libtorch's addmm on [4096, 32] × [32, 32] blocks reached ~27 GFLOP/s per core here; tiles of
// TILE pixels with 4 output channels at a time keep 8 accumulators in registers and reuse each
// loaded activation row 4 times.
#include "pointwise_mlp.h"

#include <immintrin.h>

#include <algorithm>
#include <cstdlib>

namespace fs {

namespace {

constexpr int64_t TILE = 16;  // pixels per tile: two 8-float AVX registers

// x [in][TILE] → y [out][TILE] = W·x + b (ReLU unless last), portable loops.
void denseTilePortable(const DenseLayer& layer, const float* x, float* y, bool relu) {
  for (int64_t o = 0; o < layer.out; ++o) {
    float acc[TILE];
    const float bias = layer.bias[o];
    for (int64_t p = 0; p < TILE; ++p) acc[p] = bias;
    const float* w = layer.weight + o * layer.in;
    for (int64_t c = 0; c < layer.in; ++c) {
      const float wc = w[c];
      const float* xc = x + c * TILE;
      for (int64_t p = 0; p < TILE; ++p) acc[p] += wc * xc[p];
    }
    for (int64_t p = 0; p < TILE; ++p) y[o * TILE + p] = relu ? std::max(acc[p], 0.0f) : acc[p];
  }
}

__attribute__((target("avx2,fma"))) void denseTileAvx2(const DenseLayer& layer, const float* x, float* y, bool relu) {
  const __m256 zero = _mm256_setzero_ps();
  int64_t o = 0;
  for (; o + 4 <= layer.out; o += 4) {
    // 8 named accumulators (4 outputs × 2 halves of the tile) so they stay in registers
    const float* w0 = layer.weight + o * layer.in;
    const float* w1 = w0 + layer.in;
    const float* w2 = w1 + layer.in;
    const float* w3 = w2 + layer.in;
    __m256 a00 = _mm256_set1_ps(layer.bias[o]), a01 = a00;
    __m256 a10 = _mm256_set1_ps(layer.bias[o + 1]), a11 = a10;
    __m256 a20 = _mm256_set1_ps(layer.bias[o + 2]), a21 = a20;
    __m256 a30 = _mm256_set1_ps(layer.bias[o + 3]), a31 = a30;
    for (int64_t c = 0; c < layer.in; ++c) {
      const __m256 x0 = _mm256_loadu_ps(x + c * TILE);
      const __m256 x1 = _mm256_loadu_ps(x + c * TILE + 8);
      __m256 w = _mm256_broadcast_ss(w0 + c);
      a00 = _mm256_fmadd_ps(w, x0, a00);
      a01 = _mm256_fmadd_ps(w, x1, a01);
      w = _mm256_broadcast_ss(w1 + c);
      a10 = _mm256_fmadd_ps(w, x0, a10);
      a11 = _mm256_fmadd_ps(w, x1, a11);
      w = _mm256_broadcast_ss(w2 + c);
      a20 = _mm256_fmadd_ps(w, x0, a20);
      a21 = _mm256_fmadd_ps(w, x1, a21);
      w = _mm256_broadcast_ss(w3 + c);
      a30 = _mm256_fmadd_ps(w, x0, a30);
      a31 = _mm256_fmadd_ps(w, x1, a31);
    }
    if (relu) {
      a00 = _mm256_max_ps(a00, zero), a01 = _mm256_max_ps(a01, zero), a10 = _mm256_max_ps(a10, zero), a11 = _mm256_max_ps(a11, zero);
      a20 = _mm256_max_ps(a20, zero), a21 = _mm256_max_ps(a21, zero), a30 = _mm256_max_ps(a30, zero), a31 = _mm256_max_ps(a31, zero);
    }
    float* yo = y + o * TILE;
    _mm256_storeu_ps(yo, a00), _mm256_storeu_ps(yo + 8, a01);
    _mm256_storeu_ps(yo + TILE, a10), _mm256_storeu_ps(yo + TILE + 8, a11);
    _mm256_storeu_ps(yo + 2 * TILE, a20), _mm256_storeu_ps(yo + 2 * TILE + 8, a21);
    _mm256_storeu_ps(yo + 3 * TILE, a30), _mm256_storeu_ps(yo + 3 * TILE + 8, a31);
  }
  for (; o < layer.out; ++o) {  // the remaining 1–3 outputs (fcomb's last layer has 1)
    __m256 a0 = _mm256_set1_ps(layer.bias[o]), a1 = a0;
    const float* w = layer.weight + o * layer.in;
    for (int64_t c = 0; c < layer.in; ++c) {
      const __m256 wc = _mm256_set1_ps(w[c]);
      a0 = _mm256_fmadd_ps(wc, _mm256_loadu_ps(x + c * TILE), a0);
      a1 = _mm256_fmadd_ps(wc, _mm256_loadu_ps(x + c * TILE + 8), a1);
    }
    if (relu) {
      a0 = _mm256_max_ps(a0, zero);
      a1 = _mm256_max_ps(a1, zero);
    }
    _mm256_storeu_ps(y + o * TILE, a0);
    _mm256_storeu_ps(y + o * TILE + 8, a1);
  }
}

// x [in][TILE] = relu(shared[c, p] + offset[c]) for the tile's first `len` pixels, 0 for the rest;
// shared is channel-major with channel stride `stride`.
void inputTilePortable(const float* shared, int64_t stride, const float* offset, int64_t in, int64_t len, float* x) {
  for (int64_t c = 0; c < in; ++c)
    for (int64_t p = 0; p < TILE; ++p) {
      const float v = p < len ? shared[c * stride + p] + offset[c] : 0.0f;
      x[c * TILE + p] = v > 0.0f ? v : 0.0f;
    }
}

// The same for a full tile (len = TILE) with AVX2.
__attribute__((target("avx2,fma"))) void inputTileAvx2(const float* shared, int64_t stride, const float* offset, int64_t in, float* x) {
  const __m256 zero = _mm256_setzero_ps();
  for (int64_t c = 0; c < in; ++c) {
    const __m256 o = _mm256_broadcast_ss(offset + c);
    const float* row = shared + c * stride;
    _mm256_storeu_ps(x + c * TILE, _mm256_max_ps(_mm256_add_ps(_mm256_loadu_ps(row), o), zero));
    _mm256_storeu_ps(x + c * TILE + 8, _mm256_max_ps(_mm256_add_ps(_mm256_loadu_ps(row + 8), o), zero));
  }
}

using DenseTile = void (*)(const DenseLayer&, const float*, float*, bool);

// FLOWSEG_NATIVE_PORTABLE=1 forces the portable loops (tests cover both paths on one machine).
bool cpuHasAvx2Fma() {
  static const bool has = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && !std::getenv("FLOWSEG_NATIVE_PORTABLE");
  return has;
}

}  // namespace

bool pointwiseMlpUsesAvx2() { return cpuHasAvx2Fma(); }

void pointwiseMlpRows(const float* shared, int64_t stride, const float* offset, const std::vector<DenseLayer>& layers, int64_t pixels, float* out) {
  const bool avx2 = cpuHasAvx2Fma();
  const DenseTile dense = avx2 ? denseTileAvx2 : denseTilePortable;
  const int64_t in = layers.front().in, outs = layers.back().out;
  int64_t widest = in;
  for (const DenseLayer& layer : layers) widest = std::max(widest, layer.out);
  std::vector<float> a(widest * TILE), b(widest * TILE);  // [channels][TILE], ping-pong
  for (int64_t p0 = 0; p0 < pixels; p0 += TILE) {
    const int64_t len = std::min(TILE, pixels - p0);
    if (avx2 && len == TILE) inputTileAvx2(shared + p0, stride, offset, in, a.data());
    else inputTilePortable(shared + p0, stride, offset, in, len, a.data());  // also the last, short tile
    float* x = a.data();
    float* y = b.data();
    for (size_t k = 0; k < layers.size(); ++k) {
      dense(layers[k], x, y, k + 1 < layers.size());
      std::swap(x, y);
    }
    for (int64_t p = 0; p < len; ++p)
      for (int64_t o = 0; o < outs; ++o) out[(p0 + p) * outs + o] = x[o * TILE + p];
  }
}

}  // namespace fs
