// Tensor creation, conversion and copies.
#include "common.h"

namespace fs {

static torch::TensorOptions optionsArg(const Napi::CallbackInfo& info, size_t i) {
  std::string dtype = info.Length() > i && info[i].IsString() ? info[i].As<Napi::String>().Utf8Value() : "float32";
  std::string device = info.Length() > i + 1 && info[i + 1].IsString() ? info[i + 1].As<Napi::String>().Utf8Value() : "cpu";
  return torch::TensorOptions().dtype(dtypeFromName(dtype)).device(deviceFromName(device));
}

// fromArray(typedArray, shape, dtype, device): copies the values.
static FS_FN(FromArray) {
  FS_RET(([&]() {
    if (info.Length() < 1 || !info[0].IsTypedArray()) throwJs(info.Env(), "fromArray: expected a TypedArray");
    auto arr = info[0].As<Napi::TypedArray>();
    auto shape = intListArg(info, 1, "fromArray shape");
    auto opts = optionsArg(info, 2);
    c10::ScalarType src;
    switch (arr.TypedArrayType()) {
      case napi_float32_array: src = torch::kFloat32; break;
      case napi_float64_array: src = torch::kFloat64; break;
      case napi_bigint64_array: src = torch::kInt64; break;
      case napi_int32_array: src = torch::kInt32; break;
      case napi_uint8_array: src = opts.dtype() == torch::kBool ? torch::kBool : torch::kUInt8; break;
      default: throwJs(info.Env(), "fromArray: unsupported TypedArray (use Float32Array, Float64Array, BigInt64Array, Int32Array or Uint8Array)");
    }
    int64_t numel = 1;
    for (auto s : shape) numel *= s;
    if (numel != static_cast<int64_t>(arr.ElementLength()))
      throwJs(info.Env(), "fromArray: shape [" + c10::Join(", ", shape) + "] needs " + std::to_string(numel) +
                              " values but the array has " + std::to_string(arr.ElementLength()));
    auto* data = static_cast<uint8_t*>(arr.ArrayBuffer().Data()) + arr.ByteOffset();
    auto view = torch::from_blob(data, shape, torch::TensorOptions().dtype(src));
    return WRAP(view.to(opts, /*non_blocking=*/false, /*copy=*/true));
  })());
}

static FS_FN(Zeros) { FS_RET(WRAP(torch::zeros(intListArg(info, 0, "zeros shape"), optionsArg(info, 1)))); }
static FS_FN(Ones) { FS_RET(WRAP(torch::ones(intListArg(info, 0, "ones shape"), optionsArg(info, 1)))); }
static FS_FN(Full) {
  FS_RET(WRAP(torch::full(intListArg(info, 0, "full shape"), numberArg(info, 1, "full value"), optionsArg(info, 2))));
}
static FS_FN(Arange) {
  FS_RET(WRAP(torch::arange(numberArg(info, 0, "arange start"), numberArg(info, 1, "arange end"),
                            numberArg(info, 2, "arange step"), optionsArg(info, 3))));
}
static FS_FN(Eye) { FS_RET(WRAP(torch::eye(intArg(info, 0, "eye n"), optionsArg(info, 1)))); }
static FS_FN(ZerosLike) { FS_RET(WRAP(torch::zeros_like(tensorArg(info, 0, "zerosLike")))); }
static FS_FN(OnesLike) { FS_RET(WRAP(torch::ones_like(tensorArg(info, 0, "onesLike")))); }

static FS_FN(ToDtype) {
  FS_RET(WRAP(tensorArg(info, 0, "to").to(dtypeFromName(stringArg(info, 1, "to dtype")))));
}
static FS_FN(ToDevice) {
  FS_RET(WRAP(tensorArg(info, 0, "toDevice").to(deviceFromName(stringArg(info, 1, "toDevice device")))));
}
static FS_FN(Detach) { FS_RET(WRAP(tensorArg(info, 0, "detach").detach())); }
static FS_FN(Clone) { FS_RET(WRAP(tensorArg(info, 0, "clone").clone())); }
static FS_FN(Contiguous) { FS_RET(WRAP(tensorArg(info, 0, "contiguous").contiguous())); }

void initCreate(Napi::Env env, Napi::Object exports) {
  FS_EXPORT(exports, env, "fromArray", FromArray);
  FS_EXPORT(exports, env, "zeros", Zeros);
  FS_EXPORT(exports, env, "ones", Ones);
  FS_EXPORT(exports, env, "full", Full);
  FS_EXPORT(exports, env, "arange", Arange);
  FS_EXPORT(exports, env, "eye", Eye);
  FS_EXPORT(exports, env, "zerosLike", ZerosLike);
  FS_EXPORT(exports, env, "onesLike", OnesLike);
  FS_EXPORT(exports, env, "toDtype", ToDtype);
  FS_EXPORT(exports, env, "toDevice", ToDevice);
  FS_EXPORT(exports, env, "detach", Detach);
  FS_EXPORT(exports, env, "clone", Clone);
  FS_EXPORT(exports, env, "contiguous", Contiguous);
}

}  // namespace fs
