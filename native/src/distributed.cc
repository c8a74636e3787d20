// Data-parallel training over PyTorch's c10d: a TCPStore rendezvous (rank 0 hosts it), a
// Gloo process group (NCCL when built against a CUDA libtorch and asked for), collectives on
// lists of tensors, and a bucketed gradient reducer in the manner of DDP's Reducer.
// We call c10d; we never write our own all-reduce.
#include "distributed.h"
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#ifdef FLOWSEG_WITH_GLOO
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#endif
#ifdef FLOWSEG_WITH_NCCL
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif
#include <chrono>
#include <cstdlib>
#include <mutex>

namespace fs {

using Ms = std::chrono::milliseconds;

static std::vector<at::Tensor> tensorsOf(const Napi::CallbackInfo& info, size_t i, const char* what) {
  auto ts = tensorListArg(info, i, what);
  for (auto& t : ts)
    if (!t.is_contiguous()) throw std::invalid_argument(std::string(what) + ": collectives need contiguous tensors");
  return ts;
}

#ifdef FLOWSEG_WITH_GLOO
// Gloo's transport device. GLOO_SOCKET_IFNAME wins (as in PyTorch); a loopback master means a
// one-machine job, so bind to loopback instead of whatever the hostname resolves to.
static std::shared_ptr<::gloo::transport::Device> glooDevice(const std::string& masterAddr) {
  if (const char* ifname = std::getenv("GLOO_SOCKET_IFNAME"); ifname && *ifname)
    return c10d::ProcessGroupGloo::createDeviceForInterface(ifname);
  if (masterAddr == "localhost" || masterAddr.rfind("127.", 0) == 0)
    return c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1");
  return c10d::ProcessGroupGloo::createDefaultDevice();
}
#endif

// Rethrows a failed work's error with the collective's name; a wait past the group's timeout
// throws from Gloo itself ("Timed out waiting ..."), which becomes a JS exception too.
void waitWork(const c10::intrusive_ptr<c10d::Work>& work, const char* what) {
  try {
    work->wait();
  } catch (const c10::Error& e) {
    throw std::runtime_error(std::string(what) + " failed (a rank died or timed out?): " + e.what_without_backtrace());
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string(what) + " failed (a rank died or timed out?): " + e.what());
  }
}

class JsWork : public Napi::ObjectWrap<JsWork> {
 public:
  static Napi::FunctionReference* ctor;
  static void Init(Napi::Env env, Napi::Object exports) {
    Napi::Function cls = DefineClass(env, "NativeWork", {
      InstanceMethod("wait", &JsWork::Wait),
      InstanceMethod("isCompleted", &JsWork::IsCompleted),
    });
    ctor = new Napi::FunctionReference(Napi::Persistent(cls));
  }
  static Napi::Object New(Napi::Env env, c10::intrusive_ptr<c10d::Work> work, std::function<void()> after) {
    auto obj = ctor->New({});
    auto* self = Unwrap(obj);
    self->work_ = std::move(work);
    self->after_ = std::move(after);
    return obj;
  }
  explicit JsWork(const Napi::CallbackInfo& info) : Napi::ObjectWrap<JsWork>(info) {}

 private:
  Napi::Value Wait(const Napi::CallbackInfo& info) {
    FS_RET(([&]() {
      if (!work_) return info.Env().Undefined();
      auto w = std::move(work_);
      work_.reset();
      waitWork(w, "all-reduce");
      if (after_) after_();
      return info.Env().Undefined();
    })());
  }
  Napi::Value IsCompleted(const Napi::CallbackInfo& info) {
    return Napi::Boolean::New(info.Env(), !work_ || work_->isCompleted());
  }
  c10::intrusive_ptr<c10d::Work> work_;
  std::function<void()> after_;
};
Napi::FunctionReference* JsWork::ctor = nullptr;

// NativeProcessGroup(backend, masterAddr, masterPort, rank, worldSize, timeoutMs)
class JsProcessGroup : public Napi::ObjectWrap<JsProcessGroup> {
 public:
  static const napi_type_tag tag;
  static void Init(Napi::Env env, Napi::Object exports) {
    Napi::Function cls = DefineClass(env, "NativeProcessGroup", {
      InstanceMethod("rank", &JsProcessGroup::Rank),
      InstanceMethod("size", &JsProcessGroup::Size),
      InstanceMethod("backend", &JsProcessGroup::Backend),
      InstanceMethod("allreduce", &JsProcessGroup::Allreduce),
      InstanceMethod("allreduceAsync", &JsProcessGroup::AllreduceAsync),
      InstanceMethod("broadcast", &JsProcessGroup::Broadcast),
      InstanceMethod("barrier", &JsProcessGroup::Barrier),
      InstanceMethod("shutdown", &JsProcessGroup::Shutdown),
    });
    exports.Set("NativeProcessGroup", cls);
    new Napi::FunctionReference(Napi::Persistent(cls));
  }

  explicit JsProcessGroup(const Napi::CallbackInfo& info) : Napi::ObjectWrap<JsProcessGroup>(info) {
    guarded(info, [&]() -> Napi::Value {
      backend_ = stringArg(info, 0, "backend");
      std::string addr = stringArg(info, 1, "master address");
      int64_t port = intArg(info, 2, "master port");
      rank_ = static_cast<int>(intArg(info, 3, "rank"));
      size_ = static_cast<int>(intArg(info, 4, "world size"));
      Ms timeout(intArg(info, 5, "timeout ms"));
      if (size_ < 1 || rank_ < 0 || rank_ >= size_) throw std::invalid_argument("rank must be in [0, world size)");
      if (port < 1 || port > 65535) throw std::invalid_argument("master port must be in 1..65535");
      if (backend_ != "gloo" && backend_ != "nccl") throw std::invalid_argument("backend must be gloo or nccl, got " + backend_);
#ifndef FLOWSEG_WITH_GLOO
      if (backend_ == "gloo") throw std::invalid_argument("backend gloo: this flowseg addon was built without Gloo's headers (Debian: apt-get install libgloo-dev, then npm run setup)");
#endif
#ifndef FLOWSEG_WITH_NCCL
      if (backend_ == "nccl") throw std::invalid_argument("backend nccl: this flowseg addon was built without NCCL (build it against a CUDA libtorch: LIBTORCH_DIR=… npm run setup)");
#endif
      c10d::TCPStoreOptions so;
      so.port = static_cast<uint16_t>(port);
      so.isServer = rank_ == 0;
      so.numWorkers = static_cast<size_t>(size_);
      so.waitWorkers = true;
      so.timeout = timeout;
      // The whole rendezvous (store, then Gloo's full mesh through it) fails as one clear error.
      auto where = "rendezvous of rank " + std::to_string(rank_) + " of " + std::to_string(size_) + " at " + addr + ":" + std::to_string(port);
      try {
        rendezvous(addr, so, timeout);
      } catch (const c10::Error& e) {
        throw std::runtime_error(where + " failed: " + e.what_without_backtrace() + " — are all ranks started, and can every rank reach MASTER_ADDR:MASTER_PORT?");
      } catch (const std::exception& e) {
        throw std::runtime_error(where + " failed: " + e.what());
      }
      return info.Env().Undefined();
    });
    info.This().As<Napi::Object>().TypeTag(&tag);
  }

  void rendezvous(const std::string& addr, const c10d::TCPStoreOptions& so, Ms timeout) {
    store_ = c10::make_intrusive<c10d::TCPStore>(addr, so);
    auto prefixed = c10::make_intrusive<c10d::PrefixStore>("flowseg/" + backend_, store_);
    if (backend_ == "gloo") {
#ifdef FLOWSEG_WITH_GLOO
      auto opts = c10d::ProcessGroupGloo::Options::create(timeout);
      opts->devices.push_back(glooDevice(addr));
      opts->threads = 1;
      pg_ = c10::make_intrusive<c10d::ProcessGroupGloo>(prefixed, rank_, size_, opts);
#endif
    } else {
#ifdef FLOWSEG_WITH_NCCL
      auto opts = c10d::ProcessGroupNCCL::Options::create();
      opts->timeout = timeout;
      pg_ = c10::make_intrusive<c10d::ProcessGroupNCCL>(prefixed, rank_, size_, opts);
#endif
    }
  }

  c10d::ProcessGroup& pg(const char* what) {
    if (!pg_) throw std::runtime_error(std::string(what) + ": the process group was shut down");
    return *pg_;
  }
  c10::intrusive_ptr<c10d::ProcessGroup> pgPtr() { return pg_; }

 private:
  Napi::Value Rank(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), rank_); }
  Napi::Value Size(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), size_); }
  Napi::Value Backend(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), backend_); }

  // Gloo has no AVG in 1.13: average = SUM, then divide by the world size.
  c10::intrusive_ptr<c10d::Work> startAllreduce(std::vector<at::Tensor>& ts, const std::string& op) {
    if (op != "sum" && op != "avg") throw std::invalid_argument("all-reduce op must be sum or avg, got " + op);
    c10d::AllreduceOptions o;
    o.reduceOp = c10d::ReduceOp::SUM;
    return pg("allreduce").allreduce(ts, o);
  }
  std::function<void()> afterAllreduce(const std::vector<at::Tensor>& ts, const std::string& op) {
    if (op != "avg" || size_ == 1) return nullptr;
    double n = size_;
    return [ts, n]() {
      torch::NoGradGuard g;
      for (auto t : ts) t.div_(n);
    };
  }

  // allreduce(tensors, op): in place, blocking.
  Napi::Value Allreduce(const Napi::CallbackInfo& info) {
    FS_RET(([&]() {
      auto ts = tensorsOf(info, 0, "allreduce tensors");
      std::string op = stringArg(info, 1, "allreduce op");
      torch::NoGradGuard g;
      // Gloo reduces one list of same-shaped tensors per call; a list of parameters of
      // different shapes is one call per tensor, each its own collective.
      for (auto& t : ts) {
        std::vector<at::Tensor> one{t};
        waitWork(startAllreduce(one, op), "all-reduce");
        if (auto after = afterAllreduce(one, op)) after();
      }
      return info.Env().Undefined();
    })());
  }
  // allreduceAsync(tensor, op) → NativeWork; the tensor must not be touched until wait().
  Napi::Value AllreduceAsync(const Napi::CallbackInfo& info) {
    FS_RET(([&]() -> Napi::Value {
      std::vector<at::Tensor> one{tensorArg(info, 0, "allreduceAsync tensor")};
      std::string op = stringArg(info, 1, "allreduce op");
      if (!one[0].is_contiguous()) throw std::invalid_argument("allreduceAsync: tensor must be contiguous");
      auto work = startAllreduce(one, op);
      return JsWork::New(info.Env(), work, afterAllreduce(one, op));
    })());
  }
  // broadcast(tensors, root): in place, blocking.
  Napi::Value Broadcast(const Napi::CallbackInfo& info) {
    FS_RET(([&]() {
      auto ts = tensorsOf(info, 0, "broadcast tensors");
      c10d::BroadcastOptions o;
      o.rootRank = intArg(info, 1, "broadcast root");
      torch::NoGradGuard g;
      for (auto& t : ts) {
        std::vector<at::Tensor> one{t};
        waitWork(pg("broadcast").broadcast(one, o), "broadcast");
      }
      return info.Env().Undefined();
    })());
  }
  Napi::Value Barrier(const Napi::CallbackInfo& info) {
    FS_RET((waitWork(pg("barrier").barrier(), "barrier"), info.Env().Undefined()));
  }
  // Releases the group and the store (rank 0's store server stops: call it last).
  Napi::Value Shutdown(const Napi::CallbackInfo& info) {
    pg_.reset();
    store_.reset();
    return info.Env().Undefined();
  }

  c10::intrusive_ptr<c10d::ProcessGroup> pg_;
  c10::intrusive_ptr<c10d::Store> store_;
  std::string backend_;
  int rank_ = 0;
  int size_ = 1;
};
const napi_type_tag JsProcessGroup::tag = {0x4c1d2e3f40516273ULL, 0x8495a6b7c8d9eaf1ULL};

c10::intrusive_ptr<c10d::ProcessGroup> processGroupArg(const Napi::CallbackInfo& info, size_t i) {
  if (i >= info.Length() || !info[i].IsObject() || !info[i].As<Napi::Object>().CheckTypeTag(&JsProcessGroup::tag))
    throwJs(info.Env(), "expected a ProcessGroup");
  auto pg = Napi::ObjectWrap<JsProcessGroup>::Unwrap(info[i].As<Napi::Object>())->pgPtr();
  if (!pg) throwJs(info.Env(), "the process group was shut down");
  return pg;
}

void initGradReducer(Napi::Env env, Napi::Object exports);

void initDistributed(Napi::Env env, Napi::Object exports) {
  JsWork::Init(env, exports);
  JsProcessGroup::Init(env, exports);
  initGradReducer(env, exports);
#ifdef FLOWSEG_WITH_NCCL
  exports.Set("ncclBuilt", Napi::Boolean::New(env, true));
#else
  exports.Set("ncclBuilt", Napi::Boolean::New(env, false));
#endif
#ifdef FLOWSEG_WITH_GLOO
  exports.Set("glooBuilt", Napi::Boolean::New(env, true));
#else
  exports.Set("glooBuilt", Napi::Boolean::New(env, false));
#endif
}

}  // namespace fs
