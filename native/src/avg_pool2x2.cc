// 2×2 average pooling with stride 2 (the U-Net encoders' downsampling), forward and backward, one
// pass over each NCHW plane. libtorch 1.13's CPU kernel is generic over windows, padding and
// divisors and took 41 ms of a 1,150 ms PU-Net step (bench/profileStep.ts); this one does its
// arithmetic in its order, ((a + b) + c) + d then / 4, and its backward gives every input of a
// window gradient / 4 (the rows and columns past an odd size get 0), so both equal libtorch's
// bit for bit.
#pragma GCC optimize("O3")
#include "avg_pool2x2.h"
#include "planes.h"

#include <ATen/Parallel.h>
#include <torch/autograd.h>

#include <algorithm>

namespace fs {

namespace {

// x [planes, h, w] → out [planes, h/2, w/2], both contiguous.
template <typename scalar_t>
void forwardPlanes(const scalar_t* x, scalar_t* out, int64_t planes, int64_t h, int64_t w) {
  const int64_t H = h / 2, W = w / 2;
  at::parallel_for(0, planes, 1, [&](int64_t begin, int64_t end) {
    for (int64_t p = begin; p < end; ++p) {
      for (int64_t y = 0; y < H; ++y) {
        const scalar_t* r0 = x + (p * h + 2 * y) * w;
        const scalar_t* r1 = r0 + w;
        scalar_t* row = out + (p * H + y) * W;
        for (int64_t j = 0; j < W; ++j) row[j] = (((r0[2 * j] + r0[2 * j + 1]) + r1[2 * j]) + r1[2 * j + 1]) / scalar_t(4);
      }
    }
  });
}

// grad [planes, h/2, w/2] → gradInput [planes, h, w], both contiguous.
template <typename scalar_t>
void backwardPlanes(const scalar_t* grad, scalar_t* gradInput, int64_t planes, int64_t h, int64_t w) {
  const int64_t H = h / 2, W = w / 2;
  at::parallel_for(0, planes, 1, [&](int64_t begin, int64_t end) {
    for (int64_t p = begin; p < end; ++p) {
      scalar_t* plane = gradInput + p * h * w;
      for (int64_t y = 0; y < H; ++y) {
        const scalar_t* row = grad + (p * H + y) * W;
        scalar_t* r0 = plane + 2 * y * w;
        scalar_t* r1 = r0 + w;
        for (int64_t j = 0; j < W; ++j) {
          const scalar_t g = row[j] / scalar_t(4);
          r0[2 * j] = g, r0[2 * j + 1] = g, r1[2 * j] = g, r1[2 * j + 1] = g;
        }
        if (w % 2) r0[w - 1] = scalar_t(0), r1[w - 1] = scalar_t(0);
      }
      if (h % 2) std::fill(plane + (h - 1) * w, plane + h * w, scalar_t(0));
    }
  });
}

torch::Tensor forwardKernel(const torch::Tensor& x) {
  const int64_t h = x.size(2), w = x.size(3);
  return mapPlanes(x, h / 2, w / 2, [&](const auto* src, auto* out, int64_t planes) { forwardPlanes(src, out, planes, h, w); });
}

torch::Tensor backwardKernel(const torch::Tensor& grad, int64_t h, int64_t w) {
  return mapPlanes(grad, h, w, [&](const auto* src, auto* out, int64_t planes) { backwardPlanes(src, out, planes, h, w); });
}

// Autograd node: saves only the input's spatial size. Differentiable once.
struct AvgPool2x2 : public torch::autograd::Function<AvgPool2x2> {
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x) {
    ctx->saved_data["h"] = x.size(2);
    ctx->saved_data["w"] = x.size(3);
    return forwardKernel(x);
  }
  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx, torch::autograd::variable_list grads) {
    return {backwardKernel(grads[0], ctx->saved_data["h"].toInt(), ctx->saved_data["w"].toInt())};
  }
};

}  // namespace

bool avgPool2x2Applies(const torch::Tensor& x, const std::vector<int64_t>& kernel, const std::vector<int64_t>& stride, const std::vector<int64_t>& padding) {
  const bool shape = kernel == std::vector<int64_t>{2, 2} && stride == std::vector<int64_t>{2, 2} && padding == std::vector<int64_t>{0, 0};
  return shape && x.dim() == 4 && x.size(2) >= 2 && x.size(3) >= 2 && x.numel() > 0 && x.device().is_cpu() && x.layout() == torch::kStrided &&
         (x.scalar_type() == torch::kFloat || x.scalar_type() == torch::kDouble);
}

torch::Tensor avgPool2x2(const torch::Tensor& x) { return AvgPool2x2::apply(x); }

}  // namespace fs
