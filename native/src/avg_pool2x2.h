// 2×2 stride-2 average pooling of NCHW planes (avg_pool2x2.cc), with its autograd node.
#pragma once
#include <ATen/ATen.h>
#include <torch/types.h>

#include <vector>

namespace fs {

// True when avg_pool2d(x, kernel, stride, padding) is the 2×2 stride-2 unpadded pooling of a 4-d
// strided CPU float32/float64 tensor, which avgPool2x2 computes.
bool avgPool2x2Applies(const torch::Tensor& x, const std::vector<int64_t>& kernel, const std::vector<int64_t>& stride, const std::vector<int64_t>& padding);

// x [N, C, h, w] → [N, C, h/2, w/2] (floor); gradients flow back through the matching backward.
torch::Tensor avgPool2x2(const torch::Tensor& x);

}  // namespace fs
