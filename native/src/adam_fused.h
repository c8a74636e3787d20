// One Adam / AdamW update of one parameter in a single pass over its values (adam_fused.cc).
#pragma once
#include <ATen/ATen.h>
#include <torch/types.h>

namespace fs {

struct AdamScalars {
  double lr, beta1, beta2, eps, weightDecay;
  double biasCorrection1, biasCorrection2;  // 1 − β₁ᵗ, 1 − β₂ᵗ
  bool decoupled;                           // AdamW: p ← p·(1 − lr·wd) before the step; Adam: g ← g + wd·p
};

// True when param, grad and both moments are contiguous CPU float32/float64 tensors of one dtype
// and size, which adamUpdateFused takes.
bool adamFusedApplies(const torch::Tensor& param, const torch::Tensor& grad, const torch::Tensor& expAvg, const torch::Tensor& expAvgSq);

// PyTorch 1.13's single-tensor Adam/AdamW step on param, expAvg, expAvgSq in place, in one pass.
void adamUpdateFused(torch::Tensor& param, const torch::Tensor& grad, torch::Tensor& expAvg, torch::Tensor& expAvgSq, const AdamScalars& s);

}  // namespace fs
