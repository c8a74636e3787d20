// A float32 CPU kernel for fcomb's per-sample layers at inference (see ops_fused.cc).
#pragma once
#include <cstdint>
#include <vector>

namespace fs {

// One dense layer of the MLP: weight [out, in] row-major, bias [out].
struct DenseLayer {
  const float* weight;
  const float* bias;
  int64_t in;
  int64_t out;
};

// For each of `pixels` pixels p: x = relu(shared[:, p] + offset[:]) (width layers[0].in), then
// x = W·x + b through `layers`, ReLU after all but the last; writes out[p, :] (width layers.back().out).
// shared is channel-major: channel c of pixel p at shared[c * stride + p]; out is [pixels, out]
// row-major. Single-threaded; callers split the pixels over threads. Uses AVX2+FMA when the CPU
// has them, portable loops otherwise.
void pointwiseMlpRows(const float* shared, int64_t stride, const float* offset, const std::vector<DenseLayer>& layers, int64_t pixels,
                      float* out);

// True when pointwiseMlpRows takes its AVX2+FMA path on this CPU (and FLOWSEG_NATIVE_PORTABLE is unset).
bool pointwiseMlpUsesAvx2();

}  // namespace fs
