// Bilinear resampling of NCHW planes as separable passes (upsample_bilinear.cc), with its autograd node.
#pragma once
#include <ATen/ATen.h>
#include <torch/types.h>

namespace fs {

// True for the inputs the separable kernel takes: 4-d strided CPU float32/float64 tensors with values.
bool separableBilinearApplies(const torch::Tensor& x);

// x [N, C, h, w] → [N, C, H, W]; gradients flow back through the separable backward.
torch::Tensor upsampleBilinearSeparable(const torch::Tensor& x, int64_t H, int64_t W, bool alignCorners);

}  // namespace fs
