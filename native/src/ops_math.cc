// Elementwise math, comparisons and reductions. The second operand of a binary op may be
// a Tensor or a JS number (a scalar, which never allocates a tensor on the JS side).
#include "common.h"

namespace fs {

#define BINARY(NAME, EXPR)                                               \
  static FS_FN(NAME) {                                                   \
    FS_RET(([&]() {                                                      \
      auto a = tensorArg(info, 0, #NAME);                                \
      if (info.Length() > 1 && info[1].IsNumber()) {                     \
        auto b = torch::Scalar(info[1].As<Napi::Number>().DoubleValue()); \
        return WRAP(EXPR);                                               \
      }                                                                  \
      auto b = tensorArg(info, 1, #NAME);                                \
      return WRAP(EXPR);                                                 \
    })());                                                               \
  }

BINARY(Add, torch::add(a, b))
BINARY(Sub, torch::sub(a, b))
BINARY(Mul, torch::mul(a, b))
BINARY(Div, torch::div(a, b))
BINARY(Pow, torch::pow(a, b))
BINARY(Eq, torch::eq(a, b))
BINARY(Ne, torch::ne(a, b))
BINARY(Lt, torch::lt(a, b))
BINARY(Le, torch::le(a, b))
BINARY(Gt, torch::gt(a, b))
BINARY(Ge, torch::ge(a, b))

static FS_FN(Maximum) { FS_RET(WRAP(torch::maximum(tensorArg(info, 0, "maximum"), tensorArg(info, 1, "maximum")))); }
static FS_FN(Minimum) { FS_RET(WRAP(torch::minimum(tensorArg(info, 0, "minimum"), tensorArg(info, 1, "minimum")))); }

#define UNARY(NAME, EXPR) \
  static FS_FN(NAME) { FS_RET(([&]() { auto a = tensorArg(info, 0, #NAME); return WRAP(EXPR); })()); }

UNARY(Neg, torch::neg(a))
UNARY(Exp, torch::exp(a))
UNARY(Log, torch::log(a))
UNARY(Log1p, torch::log1p(a))
UNARY(Sqrt, torch::sqrt(a))
UNARY(Abs, torch::abs(a))
UNARY(Square, torch::square(a))
UNARY(Reciprocal, torch::reciprocal(a))
UNARY(Relu, torch::relu(a))
UNARY(Sigmoid, torch::sigmoid(a))
UNARY(Tanh, torch::tanh(a))
UNARY(LogSigmoid, torch::log_sigmoid(a))
UNARY(Sign, torch::sign(a))
UNARY(Floor, torch::floor(a))
UNARY(LogicalNot, torch::logical_not(a))
UNARY(IsFinite, torch::isfinite(a))

static FS_FN(Softplus) {
  FS_RET(([&]() {
    double beta = info.Length() > 1 && info[1].IsNumber() ? info[1].As<Napi::Number>().DoubleValue() : 1.0;
    double threshold = info.Length() > 2 && info[2].IsNumber() ? info[2].As<Napi::Number>().DoubleValue() : 20.0;
    return WRAP(torch::softplus(tensorArg(info, 0, "softplus"), beta, threshold));
  })());
}

static c10::optional<torch::Scalar> optScalar(const Napi::CallbackInfo& info, size_t i) {
  if (i >= info.Length() || !info[i].IsNumber()) return c10::nullopt;
  return torch::Scalar(info[i].As<Napi::Number>().DoubleValue());
}

static FS_FN(Clamp) {
  FS_RET(WRAP(torch::clamp(tensorArg(info, 0, "clamp"), optScalar(info, 1), optScalar(info, 2))));
}

// where(cond, a, b): a and b are Tensors or numbers.
static FS_FN(Where) {
  FS_RET(([&]() {
    auto cond = tensorArg(info, 0, "where condition");
    bool aNum = info.Length() > 1 && info[1].IsNumber();
    bool bNum = info.Length() > 2 && info[2].IsNumber();
    if (aNum && bNum)
      return WRAP(torch::where(cond, torch::Scalar(numberArg(info, 1, "where a")), torch::Scalar(numberArg(info, 2, "where b"))));
    if (aNum) return WRAP(torch::where(cond, torch::Scalar(numberArg(info, 1, "where a")), tensorArg(info, 2, "where b")));
    if (bNum) return WRAP(torch::where(cond, tensorArg(info, 1, "where a"), torch::Scalar(numberArg(info, 2, "where b"))));
    return WRAP(torch::where(cond, tensorArg(info, 1, "where a"), tensorArg(info, 2, "where b")));
  })());
}

// Reductions take (t, dims: number[] | null, keepdim: boolean); null dims = all.
static bool hasDims(const Napi::CallbackInfo& info) { return info.Length() > 1 && info[1].IsArray(); }
static bool keepdimArg(const Napi::CallbackInfo& info) {
  return info.Length() > 2 && info[2].IsBoolean() && info[2].As<Napi::Boolean>().Value();
}

static FS_FN(Sum) {
  FS_RET(([&]() {
    auto a = tensorArg(info, 0, "sum");
    if (!hasDims(info)) return WRAP(torch::sum(a));
    return WRAP(torch::sum(a, intListArg(info, 1, "sum dims"), keepdimArg(info)));
  })());
}

static FS_FN(Mean) {
  FS_RET(([&]() {
    auto a = tensorArg(info, 0, "mean");
    if (!hasDims(info)) return WRAP(torch::mean(a));
    return WRAP(torch::mean(a, intListArg(info, 1, "mean dims"), keepdimArg(info)));
  })());
}

static FS_FN(Logsumexp) {
  FS_RET(WRAP(torch::logsumexp(tensorArg(info, 0, "logsumexp"), intListArg(info, 1, "logsumexp dims"), keepdimArg(info))));
}

// max/min(t, dim | null, keepdim): the values only (argmax for indices).
static FS_FN(Max) {
  FS_RET(([&]() {
    auto a = tensorArg(info, 0, "max");
    if (info.Length() < 2 || !info[1].IsNumber()) return WRAP(torch::max(a));
    return WRAP(std::get<0>(torch::max(a, intArg(info, 1, "max dim"), keepdimArg(info))));
  })());
}

static FS_FN(Min) {
  FS_RET(([&]() {
    auto a = tensorArg(info, 0, "min");
    if (info.Length() < 2 || !info[1].IsNumber()) return WRAP(torch::min(a));
    return WRAP(std::get<0>(torch::min(a, intArg(info, 1, "min dim"), keepdimArg(info))));
  })());
}

static FS_FN(Argmax) {
  FS_RET(WRAP(torch::argmax(tensorArg(info, 0, "argmax"), intArg(info, 1, "argmax dim"), keepdimArg(info))));
}

static FS_FN(Matmul) { FS_RET(WRAP(torch::matmul(tensorArg(info, 0, "matmul"), tensorArg(info, 1, "matmul")))); }

static FS_FN(Slogdet) {
  FS_RET(([&]() {
    auto r = torch::linalg::slogdet(tensorArg(info, 0, "slogdet"));
    auto out = Napi::Array::New(info.Env(), 2);
    out.Set(0u, WRAP(std::get<0>(r)));
    out.Set(1u, WRAP(std::get<1>(r)));
    return Napi::Value(out);
  })());
}

static FS_FN(Inverse) { FS_RET(WRAP(torch::inverse(tensorArg(info, 0, "inverse")))); }

void initMath(Napi::Env env, Napi::Object exports) {
  FS_EXPORT(exports, env, "add", Add);
  FS_EXPORT(exports, env, "sub", Sub);
  FS_EXPORT(exports, env, "mul", Mul);
  FS_EXPORT(exports, env, "div", Div);
  FS_EXPORT(exports, env, "pow", Pow);
  FS_EXPORT(exports, env, "eq", Eq);
  FS_EXPORT(exports, env, "ne", Ne);
  FS_EXPORT(exports, env, "lt", Lt);
  FS_EXPORT(exports, env, "le", Le);
  FS_EXPORT(exports, env, "gt", Gt);
  FS_EXPORT(exports, env, "ge", Ge);
  FS_EXPORT(exports, env, "maximum", Maximum);
  FS_EXPORT(exports, env, "minimum", Minimum);
  FS_EXPORT(exports, env, "neg", Neg);
  FS_EXPORT(exports, env, "exp", Exp);
  FS_EXPORT(exports, env, "log", Log);
  FS_EXPORT(exports, env, "log1p", Log1p);
  FS_EXPORT(exports, env, "sqrt", Sqrt);
  FS_EXPORT(exports, env, "abs", Abs);
  FS_EXPORT(exports, env, "square", Square);
  FS_EXPORT(exports, env, "reciprocal", Reciprocal);
  FS_EXPORT(exports, env, "relu", Relu);
  FS_EXPORT(exports, env, "sigmoid", Sigmoid);
  FS_EXPORT(exports, env, "tanh", Tanh);
  FS_EXPORT(exports, env, "logSigmoid", LogSigmoid);
  FS_EXPORT(exports, env, "sign", Sign);
  FS_EXPORT(exports, env, "floor", Floor);
  FS_EXPORT(exports, env, "logicalNot", LogicalNot);
  FS_EXPORT(exports, env, "isFinite", IsFinite);
  FS_EXPORT(exports, env, "softplus", Softplus);
  FS_EXPORT(exports, env, "clamp", Clamp);
  FS_EXPORT(exports, env, "where", Where);
  FS_EXPORT(exports, env, "sum", Sum);
  FS_EXPORT(exports, env, "mean", Mean);
  FS_EXPORT(exports, env, "logsumexp", Logsumexp);
  FS_EXPORT(exports, env, "max", Max);
  FS_EXPORT(exports, env, "min", Min);
  FS_EXPORT(exports, env, "argmax", Argmax);
  FS_EXPORT(exports, env, "matmul", Matmul);
  FS_EXPORT(exports, env, "slogdet", Slogdet);
  FS_EXPORT(exports, env, "inverse", Inverse);
}

}  // namespace fs
