// Runs a per-plane CPU kernel over an [N, C, h, w] tensor: the addon's own resampling kernels
// (upsample_bilinear.cc, avg_pool2x2.cc) take contiguous planes in and write fresh ones out.
#pragma once
#include <ATen/ATen.h>
#include <ATen/Dispatch.h>
#include <torch/types.h>

namespace fs {

// src [N, C, h, w] → [N, C, outH, outW]; kernel(const scalar_t* src, scalar_t* out, N·C) fills the
// output, for float32 and float64.
template <typename Kernel>
torch::Tensor mapPlanes(const torch::Tensor& src, int64_t outH, int64_t outW, Kernel kernel) {
  const auto input = src.contiguous();
  auto out = at::empty({input.size(0), input.size(1), outH, outW}, input.options());
  AT_DISPATCH_FLOATING_TYPES(input.scalar_type(), "mapPlanes", [&] {
    kernel(static_cast<const scalar_t*>(input.data_ptr<scalar_t>()), out.data_ptr<scalar_t>(), input.size(0) * input.size(1));
  });
  return out;
}

}  // namespace fs
