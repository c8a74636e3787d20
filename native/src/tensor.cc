#include "common.h"
#include <cstring>

namespace fs {

std::atomic<int64_t> JsTensor::liveCount{0};
Napi::FunctionReference* tensorConstructor = nullptr;
static const napi_type_tag kTensorTag = {0x6a1f0c3e2b8d4f51ULL, 0x9e2c7a4b5d6f8e10ULL};

Napi::Object JsTensor::Init(Napi::Env env, Napi::Object exports) {
  Napi::Function cls = DefineClass(env, "NativeTensor", {
    InstanceMethod("shape", &JsTensor::Shape),
    InstanceMethod("dtype", &JsTensor::Dtype),
    InstanceMethod("device", &JsTensor::Device),
    InstanceMethod("disposed", &JsTensor::Disposed),
    InstanceMethod("dispose", &JsTensor::Dispose),
    InstanceMethod("requiresGrad", &JsTensor::RequiresGrad),
    InstanceMethod("setRequiresGrad", &JsTensor::SetRequiresGrad),
    InstanceMethod("grad", &JsTensor::Grad),
    InstanceMethod("zeroGrad", &JsTensor::ZeroGrad),
    InstanceMethod("backward", &JsTensor::Backward),
    InstanceMethod("data", &JsTensor::Data),
    InstanceMethod("item", &JsTensor::Item),
    InstanceMethod("numel", &JsTensor::Numel),
    InstanceMethod("copyFrom", &JsTensor::CopyFrom),
  });
  tensorConstructor = new Napi::FunctionReference(Napi::Persistent(cls));
  exports.Set("NativeTensor", cls);
  return exports;
}

JsTensor::JsTensor(const Napi::CallbackInfo& info) : Napi::ObjectWrap<JsTensor>(info) {
  if (info.Length() == 1 && info[0].IsExternal()) {
    auto* src = info[0].As<Napi::External<torch::Tensor>>().Data();
    t_ = std::move(*src);
    held_ = true;
    liveCount++;
    info.This().As<Napi::Object>().TypeTag(&kTensorTag);
  } else {
    throw Napi::TypeError::New(info.Env(), "NativeTensor is created by flowseg ops, not by `new`");
  }
}

JsTensor::~JsTensor() { release(); }

void JsTensor::release() {
  if (held_) {
    t_ = torch::Tensor();
    held_ = false;
    liveCount--;
  }
}

Napi::Object JsTensor::Wrap(Napi::Env env, torch::Tensor t) {
  auto ext = Napi::External<torch::Tensor>::New(env, &t);
  return tensorConstructor->New({ext});
}

JsTensor* JsTensor::From(const Napi::Value& v, const char* what) {
  if (!v.IsObject() || !v.As<Napi::Object>().CheckTypeTag(&kTensorTag))
    throw Napi::TypeError::New(v.Env(), std::string(what) + ": expected a Tensor");
  return Napi::ObjectWrap<JsTensor>::Unwrap(v.As<Napi::Object>());
}

torch::Tensor& JsTensor::tensor(const char* what) {
  if (!held_) throw Napi::Error::New(Env(), std::string(what) + ": tensor was disposed (keep() it or return it from its scope to use it later)");
  return t_;
}

Napi::Value JsTensor::Shape(const Napi::CallbackInfo& info) {
  auto& t = tensor("shape");
  auto arr = Napi::Array::New(info.Env(), t.dim());
  for (int64_t i = 0; i < t.dim(); i++) arr.Set(static_cast<uint32_t>(i), Napi::Number::New(info.Env(), static_cast<double>(t.size(i))));
  return arr;
}

Napi::Value JsTensor::Dtype(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), dtypeName(tensor("dtype").scalar_type()));
}

Napi::Value JsTensor::Device(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), tensor("device").is_cuda() ? "cuda" : "cpu");
}

Napi::Value JsTensor::Disposed(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), !held_); }

Napi::Value JsTensor::Dispose(const Napi::CallbackInfo& info) {
  release();
  return info.Env().Undefined();
}

Napi::Value JsTensor::RequiresGrad(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), tensor("requiresGrad").requires_grad());
}

Napi::Value JsTensor::SetRequiresGrad(const Napi::CallbackInfo& info) {
  FS_RET((tensor("setRequiresGrad").requires_grad_(boolArg(info, 0, "requiresGrad")), info.Env().Undefined()));
}

Napi::Value JsTensor::Grad(const Napi::CallbackInfo& info) {
  auto g = tensor("grad").grad();
  if (!g.defined()) return info.Env().Null();
  return Wrap(info.Env(), g);
}

Napi::Value JsTensor::ZeroGrad(const Napi::CallbackInfo& info) {
  // Like PyTorch's zero_grad(set_to_none=True): drop the buffer, the next backward allocates.
  auto& t = tensor("zeroGrad");
  if (t.grad().defined()) t.mutable_grad() = torch::Tensor();
  return info.Env().Undefined();
}

Napi::Value JsTensor::Backward(const Napi::CallbackInfo& info) {
  FS_RET(([&]() {
    auto& t = tensor("backward");
    auto g = optTensorArg(info, 0, "backward gradient");
    if (g) t.backward(*g);
    else t.backward();
    return info.Env().Undefined();
  })());
}

// Copies the tensor's values into a fresh TypedArray of its dtype (CPU, contiguous).
Napi::Value JsTensor::Data(const Napi::CallbackInfo& info) {
  FS_RET(([&]() -> Napi::Value {
    auto t = tensor("data").detach().to(torch::kCPU).contiguous();
    size_t bytes = t.numel() * t.element_size();
    auto buf = Napi::ArrayBuffer::New(info.Env(), bytes);
    if (bytes) std::memcpy(buf.Data(), t.data_ptr(), bytes);
    size_t n = static_cast<size_t>(t.numel());
    switch (t.scalar_type()) {
      case torch::kFloat32: return Napi::Float32Array::New(info.Env(), n, buf, 0);
      case torch::kFloat64: return Napi::Float64Array::New(info.Env(), n, buf, 0);
      case torch::kInt64: return Napi::BigInt64Array::New(info.Env(), n, buf, 0);
      case torch::kInt32: return Napi::Int32Array::New(info.Env(), n, buf, 0);
      case torch::kUInt8:
      case torch::kBool: return Napi::Uint8Array::New(info.Env(), n, buf, 0);
      default: throw std::invalid_argument("data(): unsupported dtype " + dtypeName(t.scalar_type()));
    }
  })());
}

Napi::Value JsTensor::Item(const Napi::CallbackInfo& info) {
  FS_RET(Napi::Number::New(info.Env(), tensor("item").item<double>()));
}

Napi::Value JsTensor::Numel(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(tensor("numel").numel()));
}

// In-place copy of values (no autograd record): used to load weights into parameters.
Napi::Value JsTensor::CopyFrom(const Napi::CallbackInfo& info) {
  FS_RET(([&]() {
    torch::NoGradGuard guard;
    tensor("copyFrom").copy_(tensorArg(info, 0, "copyFrom source"));
    return info.Env().Undefined();
  })());
}

}  // namespace fs
