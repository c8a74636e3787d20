// Bilinear resampling of NCHW planes (the U-Net decoder's upsampling), forward and backward, as
// separable passes over each plane: libtorch 1.13's CPU kernel computes every output pixel from four
// gathered inputs and its backward scatters every output pixel's gradient into four inputs one by
// one; a training step spent 27 ms of a 620 ms U-Net step there (bench/profileStep.ts --case
// unet_train). Here the forward blends each input row horizontally once into a row of the output's
// width, then every output row is one contiguous blend of two such rows; the backward runs the two
// passes transposed. The forward blends in libtorch's order (the width blend inside, the height
// blend outside) with source indices and weights computed as area_pixel_compute_source_index and
// guard_index_and_lambda do, the positions in double (libtorch's float32 results sit closer to
// those than to float positions, measured); its values equal torch::upsample_bilinear2d's to
// ≤ 2e-6 relative in float32 and 1e-12 in float64. The backward adds the same products in
// another order.
#pragma GCC optimize("O3")
#include "upsample_bilinear.h"
#include "planes.h"

#include <ATen/Parallel.h>
#include <torch/autograd.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace fs {

namespace {

// Source index pairs and weights along one axis: output o reads inputs i0[o], i1[o] with w0[o], w1[o].
template <typename scalar_t>
struct AxisWeights {
  std::vector<int64_t> i0, i1;
  std::vector<scalar_t> w0, w1;
};

template <typename scalar_t>
AxisWeights<scalar_t> axisWeights(int64_t inputSize, int64_t outputSize, bool alignCorners) {
  AxisWeights<scalar_t> a;
  a.i0.resize(outputSize), a.i1.resize(outputSize), a.w0.resize(outputSize), a.w1.resize(outputSize);
  using real_t = double;  // positions in double: libtorch 1.13's results sit closer to these than to float positions
  const real_t scale = alignCorners ? (outputSize > 1 ? static_cast<real_t>(inputSize - 1) / static_cast<real_t>(outputSize - 1) : real_t(0))
                                      : static_cast<real_t>(inputSize) / static_cast<real_t>(outputSize);
  for (int64_t o = 0; o < outputSize; ++o) {
    real_t real;  // area_pixel_compute_source_index (linear)
    if (alignCorners) {
      real = scale * static_cast<real_t>(o);
    } else {
      real = scale * (static_cast<real_t>(o) + real_t(0.5)) - real_t(0.5);
      real = real < real_t(0) ? real_t(0) : real;
    }
    const int64_t index = std::min(static_cast<int64_t>(std::floor(real)), inputSize - 1);  // guard_index_and_lambda
    const scalar_t lambda = static_cast<scalar_t>(std::min(std::max(real - static_cast<real_t>(index), real_t(0)), real_t(1)));
    a.i0[o] = index;
    a.i1[o] = index + (index < inputSize - 1 ? 1 : 0);
    a.w0[o] = scalar_t(1) - lambda;
    a.w1[o] = lambda;
  }
  return a;
}

// x [planes, h, w] → out [planes, H, W], both contiguous.
template <typename scalar_t>
void forwardPlanes(const scalar_t* x, scalar_t* out, int64_t planes, int64_t h, int64_t w, int64_t H, int64_t W, bool alignCorners) {
  const auto rows = axisWeights<scalar_t>(h, H, alignCorners);
  const auto cols = axisWeights<scalar_t>(w, W, alignCorners);
  at::parallel_for(0, planes, 1, [&](int64_t begin, int64_t end) {
    std::vector<scalar_t> wide(static_cast<size_t>(h * W));  // [h, W]: each input row blended across the width
    for (int64_t p = begin; p < end; ++p) {
      const scalar_t* src = x + p * h * w;
      for (int64_t y = 0; y < h; ++y) {
        const scalar_t* in = src + y * w;
        scalar_t* row = wide.data() + y * W;
        for (int64_t o = 0; o < W; ++o) row[o] = in[cols.i0[o]] * cols.w0[o] + in[cols.i1[o]] * cols.w1[o];
      }
      scalar_t* dst = out + p * H * W;
      for (int64_t o = 0; o < H; ++o) {
        const scalar_t* r0 = wide.data() + rows.i0[o] * W;
        const scalar_t* r1 = wide.data() + rows.i1[o] * W;
        const scalar_t a = rows.w0[o], b = rows.w1[o];
        scalar_t* row = dst + o * W;
        for (int64_t j = 0; j < W; ++j) row[j] = r0[j] * a + r1[j] * b;
      }
    }
  });
}

// grad [planes, H, W] → gradInput [planes, h, w], both contiguous.
template <typename scalar_t>
void backwardPlanes(const scalar_t* grad, scalar_t* gradInput, int64_t planes, int64_t h, int64_t w, int64_t H, int64_t W, bool alignCorners) {
  const auto rows = axisWeights<scalar_t>(h, H, alignCorners);
  const auto cols = axisWeights<scalar_t>(w, W, alignCorners);
  at::parallel_for(0, planes, 1, [&](int64_t begin, int64_t end) {
    std::vector<scalar_t> wide(static_cast<size_t>(h * W));  // [h, W]: the gradient of the width-blended rows
    for (int64_t p = begin; p < end; ++p) {
      std::fill(wide.begin(), wide.end(), scalar_t(0));
      const scalar_t* g = grad + p * H * W;
      for (int64_t o = 0; o < H; ++o) {
        scalar_t* r0 = wide.data() + rows.i0[o] * W;
        scalar_t* r1 = wide.data() + rows.i1[o] * W;
        const scalar_t a = rows.w0[o], b = rows.w1[o];
        const scalar_t* row = g + o * W;
        for (int64_t j = 0; j < W; ++j) r0[j] += row[j] * a;
        for (int64_t j = 0; j < W; ++j) r1[j] += row[j] * b;
      }
      scalar_t* dst = gradInput + p * h * w;
      std::fill(dst, dst + h * w, scalar_t(0));
      for (int64_t y = 0; y < h; ++y) {
        const scalar_t* row = wide.data() + y * W;
        scalar_t* in = dst + y * w;
        for (int64_t o = 0; o < W; ++o) {
          in[cols.i0[o]] += row[o] * cols.w0[o];
          in[cols.i1[o]] += row[o] * cols.w1[o];
        }
      }
    }
  });
}

torch::Tensor forwardKernel(const torch::Tensor& x, int64_t H, int64_t W, bool alignCorners) {
  const int64_t h = x.size(2), w = x.size(3);
  return mapPlanes(x, H, W, [&](const auto* src, auto* out, int64_t planes) { forwardPlanes(src, out, planes, h, w, H, W, alignCorners); });
}

torch::Tensor backwardKernel(const torch::Tensor& grad, int64_t h, int64_t w, bool alignCorners) {
  const int64_t H = grad.size(2), W = grad.size(3);
  return mapPlanes(grad, h, w, [&](const auto* src, auto* out, int64_t planes) { backwardPlanes(src, out, planes, h, w, H, W, alignCorners); });
}

// Autograd node: saves only the input's spatial size and the flag. The backward is itself
// differentiable only once (it runs the kernel on the incoming gradient, outside autograd).
struct SeparableBilinear : public torch::autograd::Function<SeparableBilinear> {
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x, int64_t H, int64_t W, bool alignCorners) {
    ctx->saved_data["h"] = x.size(2);
    ctx->saved_data["w"] = x.size(3);
    ctx->saved_data["alignCorners"] = alignCorners;
    return forwardKernel(x, H, W, alignCorners);
  }
  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx, torch::autograd::variable_list grads) {
    const int64_t h = ctx->saved_data["h"].toInt(), w = ctx->saved_data["w"].toInt();
    const bool alignCorners = ctx->saved_data["alignCorners"].toBool();
    return {backwardKernel(grads[0], h, w, alignCorners), torch::Tensor(), torch::Tensor(), torch::Tensor()};
  }
};

}  // namespace

bool separableBilinearApplies(const torch::Tensor& x) {
  return x.dim() == 4 && x.device().is_cpu() && (x.scalar_type() == torch::kFloat || x.scalar_type() == torch::kDouble) && x.numel() > 0 &&
         !x.is_mkldnn() && x.layout() == torch::kStrided;
}

torch::Tensor upsampleBilinearSeparable(const torch::Tensor& x, int64_t H, int64_t W, bool alignCorners) {
  return SeparableBilinear::apply(x, H, W, alignCorners);
}

}  // namespace fs
