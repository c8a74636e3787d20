// Adam / AdamW in one pass over a parameter's values. PyTorch 1.13's single-tensor Adam (and the
// op-by-op form this replaces in optim.cc) runs nine tensor ops per parameter, ~23 array passes
// over memory (the PU-Net + 2-planar model's 5.0 M values: 15 ms a step, memory-bound); here each
// value is read and written once. The arithmetic is PyTorch's, in its order, with every scalar
// rounded to the parameter's dtype as its ops round them; products and sums may contract to FMA
// where PyTorch's vectorized kernels use them or not, so results agree to a rounding step.
#pragma GCC optimize("O3", "no-math-errno")
#include "adam_fused.h"

#include <ATen/Dispatch.h>
#include <ATen/Parallel.h>

#include <cmath>

namespace fs {

namespace {

template <typename scalar_t>
void updateRange(scalar_t* p, const scalar_t* g, scalar_t* m, scalar_t* v, int64_t begin, int64_t end, const AdamScalars& s) {
  const scalar_t decay = static_cast<scalar_t>(1 - s.lr * s.weightDecay);  // AdamW: p.mul_(1 − lr·wd)
  const scalar_t wd = static_cast<scalar_t>(s.weightDecay);                // Adam: grad.add(p, wd)
  const scalar_t beta1 = static_cast<scalar_t>(s.beta1), oneMinusBeta1 = static_cast<scalar_t>(1 - s.beta1);
  const scalar_t beta2 = static_cast<scalar_t>(s.beta2), oneMinusBeta2 = static_cast<scalar_t>(1 - s.beta2);
  const scalar_t bc2Sqrt = static_cast<scalar_t>(std::sqrt(s.biasCorrection2));
  const scalar_t eps = static_cast<scalar_t>(s.eps);
  const scalar_t negStep = static_cast<scalar_t>(-(s.lr / s.biasCorrection1));
  const bool coupled = !s.decoupled && s.weightDecay != 0, decays = s.decoupled && s.weightDecay != 0;
  for (int64_t i = begin; i < end; ++i) {
    scalar_t param = p[i];
    if (decays) param = param * decay;
    scalar_t grad = g[i];
    if (coupled) grad = grad + wd * param;
    const scalar_t mean = m[i] * beta1 + oneMinusBeta1 * grad;
    const scalar_t square = v[i] * beta2 + oneMinusBeta2 * grad * grad;
    const scalar_t denom = std::sqrt(square) / bc2Sqrt + eps;
    m[i] = mean;
    v[i] = square;
    p[i] = param + negStep * mean / denom;
  }
}

}  // namespace

bool adamFusedApplies(const torch::Tensor& param, const torch::Tensor& grad, const torch::Tensor& expAvg, const torch::Tensor& expAvgSq) {
  const auto dtype = param.scalar_type();
  if (dtype != torch::kFloat && dtype != torch::kDouble) return false;
  for (const torch::Tensor* t : {&param, &grad, &expAvg, &expAvgSq})
    if (!t->device().is_cpu() || t->layout() != torch::kStrided || t->scalar_type() != dtype || !t->is_contiguous() || t->numel() != param.numel() ||
        t->is_sparse())
      return false;
  return true;
}

void adamUpdateFused(torch::Tensor& param, const torch::Tensor& grad, torch::Tensor& expAvg, torch::Tensor& expAvgSq, const AdamScalars& s) {
  AT_DISPATCH_FLOATING_TYPES(param.scalar_type(), "adamUpdateFused", [&] {
    scalar_t* p = param.data_ptr<scalar_t>();
    const scalar_t* g = grad.data_ptr<scalar_t>();
    scalar_t* m = expAvg.data_ptr<scalar_t>();
    scalar_t* v = expAvgSq.data_ptr<scalar_t>();
    at::parallel_for(0, param.numel(), 1 << 15, [&](int64_t begin, int64_t end) { updateRange<scalar_t>(p, g, m, v, begin, end, s); });
  });
}

}  // namespace fs
