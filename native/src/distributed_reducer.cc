// Bucketed gradient all-reduce, as PyTorch DDP's Reducer does it: parameters are packed in
// reverse order (the order backward produces their gradients) into flat buckets of about
// `capBytes`; each bucket is all-reduced (SUM of weight·grad) once complete.
//   overlap: begin(w) arms per-parameter autograd hooks, so a bucket's all-reduce starts on
//            Gloo's thread while backward still computes earlier layers; finish() waits.
//   plain:   reduce(w) after backward flattens every bucket, all-reduces, waits.
// Afterwards every parameter's .grad holds the reduced value, on every rank.
// Buckets launch strictly in index order on every rank: collectives must match across ranks.
#include "distributed.h"
#include <chrono>
#include <memory>
#include <mutex>

namespace fs {

namespace {

using Clock = std::chrono::steady_clock;

struct Bucket {
  at::Tensor flat;                    // [numel] the bucket's gradients back to back
  std::vector<size_t> params;         // indices into ReducerState::params
  std::vector<int64_t> offsets;       // start of each parameter in `flat`
  std::vector<bool> filled;           // slot got this step's gradient
  size_t pending = 0;                 // slots still waiting for their gradient
  bool launched = false;
  c10::intrusive_ptr<c10d::Work> work;
};

struct ReducerState {
  std::mutex mu;
  c10::intrusive_ptr<c10d::ProcessGroup> pg;
  std::vector<at::Tensor> params;
  std::vector<std::pair<size_t, size_t>> where;  // param → (bucket, slot)
  std::vector<Bucket> buckets;
  double weight = 1.0;
  bool armed = false;
  size_t nextLaunch = 0;

  void reset() {
    for (auto& b : buckets) {
      b.filled.assign(b.params.size(), false);
      b.pending = b.params.size();
      b.launched = false;
      b.work.reset();
    }
    nextLaunch = 0;
  }

  void fill(size_t b, size_t k, const at::Tensor& grad) {
    auto& bk = buckets[b];
    auto& p = params[bk.params[k]];
    bk.flat.narrow(0, bk.offsets[k], p.numel()).copy_(grad.reshape({-1}));
    bk.filled[k] = true;
    bk.pending--;
  }

  void launch(size_t b) {
    auto& bk = buckets[b];
    for (size_t k = 0; k < bk.params.size(); k++)
      if (!bk.filled[k]) bk.flat.narrow(0, bk.offsets[k], params[bk.params[k]].numel()).zero_();
    if (weight != 1.0) bk.flat.mul_(weight);
    std::vector<at::Tensor> one{bk.flat};
    bk.work = pg->allreduce(one);
    bk.launched = true;
  }

  void launchReady() {
    while (nextLaunch < buckets.size() && buckets[nextLaunch].pending == 0) launch(nextLaunch++);
  }

  // Waits for every bucket and writes the reduced values into the parameters' .grad.
  double waitAndWriteBack() {
    auto t0 = Clock::now();
    for (auto& bk : buckets)
      if (bk.work) waitWork(bk.work, "gradient all-reduce");
    double waitMs = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    for (auto& bk : buckets) {
      for (size_t k = 0; k < bk.params.size(); k++) {
        auto& p = params[bk.params[k]];
        auto reduced = bk.flat.narrow(0, bk.offsets[k], p.numel()).view(p.sizes());
        // A rank that had no gradient here (e.g. an empty shard) still takes the reduced one,
        // so every rank's optimizer steps the same way.
        if (p.grad().defined()) p.mutable_grad().copy_(reduced);
        else p.mutable_grad() = reduced.clone();
      }
      bk.work.reset();
    }
    return waitMs;
  }
};

}  // namespace

// NativeGradReducer(processGroup, params, capBytes)
class JsGradReducer : public Napi::ObjectWrap<JsGradReducer> {
 public:
  static void Init(Napi::Env env, Napi::Object exports) {
    Napi::Function cls = DefineClass(env, "NativeGradReducer", {
      InstanceMethod("begin", &JsGradReducer::Begin),
      InstanceMethod("finish", &JsGradReducer::Finish),
      InstanceMethod("reduce", &JsGradReducer::Reduce),
      InstanceMethod("bucketSizes", &JsGradReducer::BucketSizes),
    });
    exports.Set("NativeGradReducer", cls);
    new Napi::FunctionReference(Napi::Persistent(cls));
  }

  explicit JsGradReducer(const Napi::CallbackInfo& info) : Napi::ObjectWrap<JsGradReducer>(info) {
    guarded(info, [&]() -> Napi::Value {
      s_ = std::make_shared<ReducerState>();
      s_->pg = processGroupArg(info, 0);
      s_->params = tensorListArg(info, 1, "reducer params");
      int64_t cap = intArg(info, 2, "bucket cap bytes");
      auto& ps = s_->params;
      s_->where.resize(ps.size());
      // Reverse order: the last layers' gradients are ready first in backward.
      int64_t bytes = 0;
      std::vector<int64_t> numel;  // per bucket
      for (size_t n = ps.size(); n-- > 0;) {
        auto& p = ps[n];
        auto& last = s_->buckets.empty() ? p : s_->params[s_->buckets.back().params.front()];
        if (s_->buckets.empty() || bytes >= cap || last.scalar_type() != p.scalar_type() || last.device() != p.device()) {
          s_->buckets.emplace_back();
          numel.push_back(0);
          bytes = 0;
        }
        auto& bk = s_->buckets.back();
        s_->where[n] = {s_->buckets.size() - 1, bk.params.size()};
        bk.params.push_back(n);
        bk.offsets.push_back(numel.back());
        numel.back() += p.numel();
        bytes += p.numel() * p.element_size();
      }
      for (size_t b = 0; b < s_->buckets.size(); b++) {
        auto& first = s_->params[s_->buckets[b].params.front()];
        s_->buckets[b].flat = at::zeros({numel[b]}, first.options().requires_grad(false));
      }
      s_->reset();
      std::weak_ptr<ReducerState> weak = s_;
      for (size_t n = 0; n < ps.size(); n++) {
        auto [b, k] = s_->where[n];
        // Fires once per backward with the parameter's summed gradient, before it is
        // accumulated into .grad (parameters are leaves).
        hooks_.push_back({n, ps[n].register_hook([weak, b = b, k = k](const at::Tensor& grad) {
          auto s = weak.lock();
          if (!s) return;
          std::lock_guard<std::mutex> lock(s->mu);
          if (!s->armed) return;
          torch::NoGradGuard g;
          if (s->buckets[b].filled[k]) throw std::runtime_error("gradient all-reduce: a parameter got two gradients in one backward");
          s->fill(b, k, grad);
          s->launchReady();
        })});
      }
      return info.Env().Undefined();
    });
  }
  ~JsGradReducer() override {
    for (auto& [n, h] : hooks_) s_->params[n].remove_hook(h);
  }

 private:
  // begin(weight): arm the hooks for the coming backward (grads must be zeroed/None before).
  Napi::Value Begin(const Napi::CallbackInfo& info) {
    std::lock_guard<std::mutex> lock(s_->mu);
    s_->weight = numberArg(info, 0, "weight");
    s_->reset();
    s_->armed = true;
    return info.Env().Undefined();
  }
  // finish() → ms blocked waiting: launch what backward left (unused params count as 0), wait.
  Napi::Value Finish(const Napi::CallbackInfo& info) {
    FS_RET(([&]() -> Napi::Value {
      std::lock_guard<std::mutex> lock(s_->mu);
      if (!s_->armed) throw std::runtime_error("gradient all-reduce: finish() without begin()");
      s_->armed = false;
      torch::NoGradGuard g;
      for (auto& bk : s_->buckets) bk.pending = 0;
      s_->launchReady();
      return Napi::Number::New(info.Env(), s_->waitAndWriteBack());
    })());
  }
  // reduce(weight) → ms spent: after backward, flatten every .grad, all-reduce, write back.
  Napi::Value Reduce(const Napi::CallbackInfo& info) {
    FS_RET(([&]() -> Napi::Value {
      std::lock_guard<std::mutex> lock(s_->mu);
      auto t0 = Clock::now();
      torch::NoGradGuard g;
      s_->weight = numberArg(info, 0, "weight");
      s_->armed = false;
      s_->reset();
      for (size_t b = 0; b < s_->buckets.size(); b++) {
        auto& bk = s_->buckets[b];
        for (size_t k = 0; k < bk.params.size(); k++) {
          auto grad = s_->params[bk.params[k]].grad();
          if (grad.defined()) s_->fill(b, k, grad);
        }
        bk.pending = 0;
      }
      s_->launchReady();
      s_->waitAndWriteBack();
      return Napi::Number::New(info.Env(), std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    })());
  }
  Napi::Value BucketSizes(const Napi::CallbackInfo& info) {
    auto arr = Napi::Array::New(info.Env(), s_->buckets.size());
    for (size_t b = 0; b < s_->buckets.size(); b++)
      arr.Set(static_cast<uint32_t>(b), Napi::Number::New(info.Env(), static_cast<double>(s_->buckets[b].flat.numel())));
    return arr;
  }

  std::shared_ptr<ReducerState> s_;
  std::vector<std::pair<size_t, unsigned>> hooks_;
};

void initGradReducer(Napi::Env env, Napi::Object exports) { JsGradReducer::Init(env, exports); }

}  // namespace fs
