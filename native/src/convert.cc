#include "common.h"

namespace fs {

void throwJs(Napi::Env env, const std::string& message) { throw Napi::Error::New(env, message); }

static std::string argName(size_t i, const char* what) {
  return std::string(what) + " (argument " + std::to_string(i) + ")";
}

torch::Tensor tensorArg(const Napi::CallbackInfo& info, size_t i, const char* what) {
  if (i >= info.Length() || !info[i].IsObject()) throwJs(info.Env(), argName(i, what) + ": expected a Tensor");
  return JsTensor::From(info[i], what)->tensor(what);
}

c10::optional<torch::Tensor> optTensorArg(const Napi::CallbackInfo& info, size_t i, const char* what) {
  if (i >= info.Length() || info[i].IsNull() || info[i].IsUndefined()) return c10::nullopt;
  return tensorArg(info, i, what);
}

std::vector<int64_t> intListArg(const Napi::CallbackInfo& info, size_t i, const char* what) {
  if (i >= info.Length() || !info[i].IsArray()) throwJs(info.Env(), argName(i, what) + ": expected an array of integers");
  auto arr = info[i].As<Napi::Array>();
  std::vector<int64_t> out(arr.Length());
  for (uint32_t k = 0; k < arr.Length(); k++) {
    Napi::Value v = arr.Get(k);
    if (!v.IsNumber()) throwJs(info.Env(), argName(i, what) + ": expected an array of integers");
    out[k] = v.As<Napi::Number>().Int64Value();
  }
  return out;
}

std::vector<torch::Tensor> tensorListArg(const Napi::CallbackInfo& info, size_t i, const char* what) {
  if (i >= info.Length() || !info[i].IsArray()) throwJs(info.Env(), argName(i, what) + ": expected an array of Tensors");
  auto arr = info[i].As<Napi::Array>();
  std::vector<torch::Tensor> out;
  out.reserve(arr.Length());
  for (uint32_t k = 0; k < arr.Length(); k++) out.push_back(JsTensor::From(arr.Get(k), what)->tensor(what));
  return out;
}

int64_t intArg(const Napi::CallbackInfo& info, size_t i, const char* what) {
  if (i >= info.Length() || !info[i].IsNumber()) throwJs(info.Env(), argName(i, what) + ": expected an integer");
  return info[i].As<Napi::Number>().Int64Value();
}

double numberArg(const Napi::CallbackInfo& info, size_t i, const char* what) {
  if (i >= info.Length() || !info[i].IsNumber()) throwJs(info.Env(), argName(i, what) + ": expected a number");
  return info[i].As<Napi::Number>().DoubleValue();
}

bool boolArg(const Napi::CallbackInfo& info, size_t i, const char* what) {
  if (i >= info.Length() || !info[i].IsBoolean()) throwJs(info.Env(), argName(i, what) + ": expected a boolean");
  return info[i].As<Napi::Boolean>().Value();
}

std::string stringArg(const Napi::CallbackInfo& info, size_t i, const char* what) {
  if (i >= info.Length() || !info[i].IsString()) throwJs(info.Env(), argName(i, what) + ": expected a string");
  return info[i].As<Napi::String>().Utf8Value();
}

c10::ScalarType dtypeFromName(const std::string& name) {
  if (name == "float32") return torch::kFloat32;
  if (name == "float64") return torch::kFloat64;
  if (name == "int64") return torch::kInt64;
  if (name == "int32") return torch::kInt32;
  if (name == "uint8") return torch::kUInt8;
  if (name == "bool") return torch::kBool;
  throw std::invalid_argument("unknown dtype '" + name + "' (use float32, float64, int64, int32, uint8 or bool)");
}

std::string dtypeName(c10::ScalarType t) {
  switch (t) {
    case torch::kFloat32: return "float32";
    case torch::kFloat64: return "float64";
    case torch::kInt64: return "int64";
    case torch::kInt32: return "int32";
    case torch::kUInt8: return "uint8";
    case torch::kBool: return "bool";
    default: return c10::toString(t);
  }
}

c10::Device deviceFromName(const std::string& name) {
  if (name == "cpu") return c10::Device(c10::kCPU);
  if (name == "cuda") {
    if (!torch::cuda::is_available())
      throw std::invalid_argument("device 'cuda' requested but the loaded libtorch has no CUDA device (set LIBTORCH_DIR to a CUDA build)");
    return c10::Device(c10::kCUDA);
  }
  throw std::invalid_argument("unknown device '" + name + "' (use cpu or cuda)");
}

}  // namespace fs
