// Random numbers: the global CPU generator (manualSeed, state save/restore for exact
// resume) and independent seedable generators passed to randn/rand/randint/multinomial.
#include "common.h"
#include <ATen/CPUGeneratorImpl.h>

namespace fs {

class JsGenerator : public Napi::ObjectWrap<JsGenerator> {
 public:
  static void Init(Napi::Env env, Napi::Object exports) {
    Napi::Function cls = DefineClass(env, "NativeGenerator", {
      InstanceMethod("getState", &JsGenerator::GetState),
      InstanceMethod("setState", &JsGenerator::SetState),
    });
    exports.Set("NativeGenerator", cls);
    new Napi::FunctionReference(Napi::Persistent(cls));
  }
  explicit JsGenerator(const Napi::CallbackInfo& info) : Napi::ObjectWrap<JsGenerator>(info) {
    uint64_t seed = static_cast<uint64_t>(numberArg(info, 0, "generator seed"));
    gen_ = at::make_generator<at::CPUGeneratorImpl>(seed);
    info.This().As<Napi::Object>().TypeTag(&tag);
  }
  static const napi_type_tag tag;
  at::Generator gen_;

 private:
  Napi::Value GetState(const Napi::CallbackInfo& info) {
    std::lock_guard<std::mutex> lock(gen_.mutex());
    FS_RET(WRAP(gen_.get_state()));
  }
  Napi::Value SetState(const Napi::CallbackInfo& info) {
    std::lock_guard<std::mutex> lock(gen_.mutex());
    FS_RET((gen_.set_state(tensorArg(info, 0, "generator state")), info.Env().Undefined()));
  }
};
const napi_type_tag JsGenerator::tag = {0x1b2c3d4e5f607182ULL, 0x93a4b5c6d7e8f901ULL};

c10::optional<at::Generator> generatorArg(const Napi::CallbackInfo& info, size_t i) {
  if (i >= info.Length() || info[i].IsNull() || info[i].IsUndefined()) return c10::nullopt;
  auto o = info[i].As<Napi::Object>();
  if (!o.CheckTypeTag(&JsGenerator::tag)) throwJs(info.Env(), "expected a Generator");
  return Napi::ObjectWrap<JsGenerator>::Unwrap(o)->gen_;
}

static torch::TensorOptions floatOptions(const Napi::CallbackInfo& info, size_t i) {
  std::string dtype = info.Length() > i && info[i].IsString() ? info[i].As<Napi::String>().Utf8Value() : "float32";
  return torch::TensorOptions().dtype(dtypeFromName(dtype));
}

// randn(shape, dtype, generator | null)
static FS_FN(Randn) {
  FS_RET(WRAP(torch::randn(intListArg(info, 0, "randn shape"), generatorArg(info, 2), floatOptions(info, 1))));
}
static FS_FN(Rand) {
  FS_RET(WRAP(torch::rand(intListArg(info, 0, "rand shape"), generatorArg(info, 2), floatOptions(info, 1))));
}
// randint(low, high, shape, generator | null) → int64
static FS_FN(Randint) {
  FS_RET(WRAP(torch::randint(intArg(info, 0, "randint low"), intArg(info, 1, "randint high"), intListArg(info, 2, "randint shape"),
                             generatorArg(info, 3), torch::TensorOptions().dtype(torch::kInt64))));
}
// multinomial(probs, n, replacement, generator | null)
static FS_FN(Multinomial) {
  FS_RET(WRAP(torch::multinomial(tensorArg(info, 0, "multinomial probs"), intArg(info, 1, "multinomial n"),
                                 boolArg(info, 2, "multinomial replacement"), generatorArg(info, 3))));
}

static FS_FN(ManualSeed) {
  torch::manual_seed(static_cast<uint64_t>(numberArg(info, 0, "seed")));
  return info.Env().Undefined();
}

static FS_FN(GetRngState) {
  auto gen = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(gen.mutex());
  FS_RET(WRAP(gen.get_state()));
}

static FS_FN(SetRngState) {
  auto gen = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(gen.mutex());
  FS_RET((gen.set_state(tensorArg(info, 0, "rng state")), info.Env().Undefined()));
}

void initRandom(Napi::Env env, Napi::Object exports) {
  JsGenerator::Init(env, exports);
  FS_EXPORT(exports, env, "randn", Randn);
  FS_EXPORT(exports, env, "rand", Rand);
  FS_EXPORT(exports, env, "randint", Randint);
  FS_EXPORT(exports, env, "multinomial", Multinomial);
  FS_EXPORT(exports, env, "manualSeed", ManualSeed);
  FS_EXPORT(exports, env, "getRngState", GetRngState);
  FS_EXPORT(exports, env, "setRngState", SetRngState);
}

}  // namespace fs
