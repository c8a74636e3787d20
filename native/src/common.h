// Shared helpers of the flowseg native addon: the JS tensor wrapper, argument
// conversion, and the error bridge that turns every libtorch error into a JS exception.
#pragma once
#include <napi.h>
#include <ATen/ATen.h>
#include <torch/types.h>
#include <torch/linalg.h>
#include <torch/cuda.h>
#include <torch/utils.h>
#include <atomic>
#include <string>
#include <vector>

namespace fs {

// A JS object owning one torch::Tensor. `dispose()` releases it deterministically; the
// GC finalizer is only the fallback. `liveCount` counts wrappers still holding a tensor.
class JsTensor : public Napi::ObjectWrap<JsTensor> {
 public:
  static Napi::Object Init(Napi::Env env, Napi::Object exports);
  static Napi::Object Wrap(Napi::Env env, torch::Tensor t);
  static JsTensor* From(const Napi::Value& v, const char* what);
  static std::atomic<int64_t> liveCount;

  explicit JsTensor(const Napi::CallbackInfo& info);
  ~JsTensor() override;
  torch::Tensor& tensor(const char* what);
  void release();

 private:
  Napi::Value Shape(const Napi::CallbackInfo& info);
  Napi::Value Dtype(const Napi::CallbackInfo& info);
  Napi::Value Device(const Napi::CallbackInfo& info);
  Napi::Value Disposed(const Napi::CallbackInfo& info);
  Napi::Value Dispose(const Napi::CallbackInfo& info);
  Napi::Value RequiresGrad(const Napi::CallbackInfo& info);
  Napi::Value SetRequiresGrad(const Napi::CallbackInfo& info);
  Napi::Value Grad(const Napi::CallbackInfo& info);
  Napi::Value ZeroGrad(const Napi::CallbackInfo& info);
  Napi::Value Backward(const Napi::CallbackInfo& info);
  Napi::Value Data(const Napi::CallbackInfo& info);
  Napi::Value Item(const Napi::CallbackInfo& info);
  Napi::Value Numel(const Napi::CallbackInfo& info);
  Napi::Value CopyFrom(const Napi::CallbackInfo& info);
  torch::Tensor t_;
  bool held_ = false;
};

extern Napi::FunctionReference* tensorConstructor;

// Argument conversion.
torch::Tensor tensorArg(const Napi::CallbackInfo& info, size_t i, const char* what);
c10::optional<torch::Tensor> optTensorArg(const Napi::CallbackInfo& info, size_t i, const char* what);
std::vector<int64_t> intListArg(const Napi::CallbackInfo& info, size_t i, const char* what);
std::vector<torch::Tensor> tensorListArg(const Napi::CallbackInfo& info, size_t i, const char* what);
int64_t intArg(const Napi::CallbackInfo& info, size_t i, const char* what);
double numberArg(const Napi::CallbackInfo& info, size_t i, const char* what);
bool boolArg(const Napi::CallbackInfo& info, size_t i, const char* what);
std::string stringArg(const Napi::CallbackInfo& info, size_t i, const char* what);
c10::ScalarType dtypeFromName(const std::string& name);
std::string dtypeName(c10::ScalarType t);
c10::Device deviceFromName(const std::string& name);
inline bool isTensor(const Napi::Value& v) { return v.IsObject() && !v.IsArray() && !v.IsNumber(); }

void throwJs(Napi::Env env, const std::string& message);

// Every exported function body runs inside this bridge so libtorch errors surface as
// JS exceptions carrying libtorch's message (without the C++ backtrace).
template <typename F>
Napi::Value guarded(const Napi::CallbackInfo& info, F&& body) {
  try {
    return body();
  } catch (const Napi::Error&) {
    throw;
  } catch (const c10::Error& e) {
    throw Napi::Error::New(info.Env(), std::string("libtorch: ") + e.what_without_backtrace());
  } catch (const std::exception& e) {
    throw Napi::Error::New(info.Env(), e.what());
  }
}

#define FS_FN(name) Napi::Value name(const Napi::CallbackInfo& info)
#define FS_EXPORT(exports, env, name, fn) exports.Set(name, Napi::Function::New(env, fn, name))
#define FS_RET(expr) return guarded(info, [&]() -> Napi::Value { return expr; })
#define WRAP(t) JsTensor::Wrap(info.Env(), (t))

void initCreate(Napi::Env env, Napi::Object exports);
void initMath(Napi::Env env, Napi::Object exports);
void initShape(Napi::Env env, Napi::Object exports);
void initNn(Napi::Env env, Napi::Object exports);
void initOptim(Napi::Env env, Napi::Object exports);
void initRandom(Napi::Env env, Napi::Object exports);
c10::optional<at::Generator> generatorArg(const Napi::CallbackInfo& info, size_t i);

}  // namespace fs
