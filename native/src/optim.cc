// Optimizers (Adam, AdamW, SGD) with PyTorch 1.13's update rules, implemented here so their
// state is a plain list of tensors that TypeScript saves and restores with a checkpoint. Adam and
// AdamW on contiguous CPU float tensors update each parameter in one pass (adam_fused.cc).
#include "common.h"
#include "adam_fused.h"
#include <cmath>

namespace fs {

class JsOptimizer : public Napi::ObjectWrap<JsOptimizer> {
 public:
  static void Init(Napi::Env env, Napi::Object exports) {
    Napi::Function cls = DefineClass(env, "NativeOptimizer", {
      InstanceMethod("step", &JsOptimizer::Step),
      InstanceMethod("zeroGrad", &JsOptimizer::ZeroGrad),
      InstanceMethod("setLr", &JsOptimizer::SetLr),
      InstanceMethod("stepCount", &JsOptimizer::StepCount),
      InstanceMethod("stateTensors", &JsOptimizer::StateTensors),
      InstanceMethod("loadState", &JsOptimizer::LoadState),
    });
    exports.Set("NativeOptimizer", cls);
    ctor = new Napi::FunctionReference(Napi::Persistent(cls));
  }

  // new NativeOptimizer(kind, params[], {lr, beta1, beta2, eps, weightDecay, momentum, lrScales?})
  // lrScales: one multiplier per param (its lr is lr × scale, like a PyTorch param group's lr).
  explicit JsOptimizer(const Napi::CallbackInfo& info) : Napi::ObjectWrap<JsOptimizer>(info) {
    guarded(info, [&]() -> Napi::Value {
      kind_ = stringArg(info, 0, "optimizer kind");
      if (kind_ != "adam" && kind_ != "adamw" && kind_ != "sgd")
        throwJs(info.Env(), "optimizer kind must be 'adam', 'adamw' or 'sgd', got '" + kind_ + "'");
      params_ = tensorListArg(info, 1, "optimizer params");
      auto o = info[2].As<Napi::Object>();
      auto num = [&](const char* k, double d) {
        auto v = o.Get(k);
        return v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : d;
      };
      lr_ = num("lr", 1e-3);
      beta1_ = num("beta1", 0.9);
      beta2_ = num("beta2", 0.999);
      eps_ = num("eps", 1e-8);
      wd_ = num("weightDecay", 0.0);
      momentum_ = num("momentum", 0.0);
      scales_.assign(params_.size(), 1.0);
      auto scales = o.Get("lrScales");
      if (scales.IsArray()) {
        auto arr = scales.As<Napi::Array>();
        if (arr.Length() != params_.size())
          throwJs(info.Env(), "optimizer lrScales has " + std::to_string(arr.Length()) + " entries for " + std::to_string(params_.size()) + " params");
        for (uint32_t k = 0; k < arr.Length(); ++k) {
          auto v = arr.Get(k);
          if (!v.IsNumber() || !(v.As<Napi::Number>().DoubleValue() > 0)) throwJs(info.Env(), "optimizer lrScales must be positive numbers");
          scales_[k] = v.As<Napi::Number>().DoubleValue();
        }
      }
      torch::NoGradGuard g;
      for (auto& p : params_) {
        if (kind_ == "sgd") {
          a_.push_back(torch::zeros_like(p));
        } else {
          a_.push_back(torch::zeros_like(p));
          b_.push_back(torch::zeros_like(p));
        }
      }
      return info.Env().Undefined();
    });
  }

 private:
  Napi::Value Step(const Napi::CallbackInfo& info) {
    FS_RET(([&]() {
      torch::NoGradGuard g;
      step_ += 1;
      for (size_t i = 0; i < params_.size(); i++) {
        auto& p = params_[i];
        auto grad = p.grad();
        if (!grad.defined()) continue;
        const double lr = lr_ * scales_[i];
        if (kind_ == "sgd") {
          if (wd_ != 0) grad = grad.add(p, wd_);
          if (momentum_ != 0) {
            if (step_ == 1) a_[i].copy_(grad);
            else a_[i].mul_(momentum_).add_(grad);
            grad = a_[i];
          }
          p.add_(grad, -lr);
          continue;
        }
        double bc1 = 1 - std::pow(beta1_, step_);
        double bc2 = 1 - std::pow(beta2_, step_);
        if (adamFusedApplies(p, grad, a_[i], b_[i])) {
          adamUpdateFused(p, grad, a_[i], b_[i], AdamScalars{lr, beta1_, beta2_, eps_, wd_, bc1, bc2, kind_ == "adamw"});
          continue;
        }
        if (kind_ == "adamw") p.mul_(1 - lr * wd_);
        else if (wd_ != 0) grad = grad.add(p, wd_);
        a_[i].mul_(beta1_).add_(grad, 1 - beta1_);
        b_[i].mul_(beta2_).addcmul_(grad, grad, 1 - beta2_);
        auto denom = (b_[i].sqrt() / std::sqrt(bc2)).add_(eps_);
        p.addcdiv_(a_[i], denom, -lr / bc1);
      }
      return info.Env().Undefined();
    })());
  }

  Napi::Value ZeroGrad(const Napi::CallbackInfo& info) {
    for (auto& p : params_)
      if (p.grad().defined()) p.mutable_grad() = torch::Tensor();
    return info.Env().Undefined();
  }

  Napi::Value SetLr(const Napi::CallbackInfo& info) {
    lr_ = numberArg(info, 0, "lr");
    return info.Env().Undefined();
  }

  Napi::Value StepCount(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), static_cast<double>(step_)); }

  // State as tensors (copies): Adam → [exp_avg..., exp_avg_sq...]; SGD → [momentum_buffer...].
  Napi::Value StateTensors(const Napi::CallbackInfo& info) {
    FS_RET(([&]() {
      auto out = Napi::Array::New(info.Env());
      uint32_t k = 0;
      for (auto& t : a_) out.Set(k++, WRAP(t.clone()));
      for (auto& t : b_) out.Set(k++, WRAP(t.clone()));
      return Napi::Value(out);
    })());
  }

  // loadState(stepCount, tensors[]) — the inverse of stateTensors().
  Napi::Value LoadState(const Napi::CallbackInfo& info) {
    FS_RET(([&]() {
      int64_t step = intArg(info, 0, "loadState step");
      auto ts = tensorListArg(info, 1, "loadState tensors");
      if (ts.size() != a_.size() + b_.size())
        throwJs(info.Env(), "optimizer state has " + std::to_string(ts.size()) + " tensors, expected " +
                                std::to_string(a_.size() + b_.size()) + " (was it saved for another model?)");
      torch::NoGradGuard g;
      size_t k = 0;
      for (auto& t : a_) t.copy_(ts[k++]);
      for (auto& t : b_) t.copy_(ts[k++]);
      step_ = step;
      return info.Env().Undefined();
    })());
  }

  static Napi::FunctionReference* ctor;
  std::string kind_;
  std::vector<torch::Tensor> params_, a_, b_;
  std::vector<double> scales_;
  double lr_ = 1e-3, beta1_ = 0.9, beta2_ = 0.999, eps_ = 1e-8, wd_ = 0, momentum_ = 0;
  int64_t step_ = 0;
};

Napi::FunctionReference* JsOptimizer::ctor = nullptr;

// clipGradNorm(params[], maxNorm | null) → the global L2 norm of the gradients before clipping.
// When maxNorm is given, the norm finite and above it, every gradient is scaled in place by
// maxNorm / (norm + 1e-6) (torch.nn.utils.clip_grad_norm_). One call per step: the per-parameter
// norms come from _foreach_norm without a squared copy of each gradient, and are summed in double.
static FS_FN(ClipGradNorm) {
  return guarded(info, [&]() -> Napi::Value {
    auto params = tensorListArg(info, 0, "clipGradNorm params");
    const bool clip = !info[1].IsNull() && !info[1].IsUndefined();
    const double maxNorm = clip ? numberArg(info, 1, "clipGradNorm maxNorm") : 0;
    std::vector<torch::Tensor> grads;
    for (auto& p : params)
      if (p.grad().defined()) grads.push_back(p.grad());
    if (grads.empty()) return Napi::Number::New(info.Env(), 0);
    torch::NoGradGuard g;
    double sumSq = 0;
    for (auto& n : at::_foreach_norm(grads, 2)) {
      const double v = n.item<double>();
      sumSq += v * v;
    }
    const double norm = std::sqrt(sumSq);
    if (clip && std::isfinite(norm) && norm > maxNorm) at::_foreach_mul_(grads, maxNorm / (norm + 1e-6));
    return Napi::Number::New(info.Env(), norm);
  });
}

void initOptim(Napi::Env env, Napi::Object exports) {
  JsOptimizer::Init(env, exports);
  FS_EXPORT(exports, env, "clipGradNorm", ClipGradNorm);
}

}  // namespace fs
