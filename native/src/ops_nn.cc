// Neural-network ops: convolution, pooling, resampling, linear, losses.
#include "common.h"
#include "avg_pool2x2.h"
#include "upsample_bilinear.h"

namespace fs {

// conv2d(x [B,Cin,H,W], w [Cout,Cin/g,kh,kw], b [Cout] | null, stride[2], padding[2], dilation[2], groups)
static FS_FN(Conv2d) {
  FS_RET(WRAP(torch::conv2d(tensorArg(info, 0, "conv2d input"), tensorArg(info, 1, "conv2d weight"),
                            optTensorArg(info, 2, "conv2d bias"), intListArg(info, 3, "conv2d stride"),
                            intListArg(info, 4, "conv2d padding"), intListArg(info, 5, "conv2d dilation"),
                            intArg(info, 6, "conv2d groups"))));
}

// Where the addon has a kernel of its own for an op (argument i: 'addon', the default, or
// 'libtorch'; tests and benchmarks compare the two): true for 'addon'.
static bool addonKernelArg(const Napi::CallbackInfo& info, size_t i, const char* what) {
  if (info.Length() <= i || info[i].IsUndefined()) return true;
  const std::string kernel = stringArg(info, i, what);
  if (kernel != "addon" && kernel != "libtorch") throw std::invalid_argument(std::string(what) + " must be 'addon' or 'libtorch', got '" + kernel + "'");
  return kernel == "addon";
}

// avgPool2d(x, kernel[2], stride[2], padding[2], kernel?: 'addon' | 'libtorch')
// 2×2 stride-2 pooling of CPU float32/float64 inputs takes avg_pool2x2.cc's kernel (equal to
// libtorch's bit for bit, faster) unless the last argument is 'libtorch'; everything else takes libtorch's.
static FS_FN(AvgPool2d) {
  FS_RET(([&]() {
    torch::Tensor x = tensorArg(info, 0, "avgPool2d");
    auto kernel = intListArg(info, 1, "avgPool2d kernel");
    auto stride = intListArg(info, 2, "avgPool2d stride");
    auto padding = intListArg(info, 3, "avgPool2d padding");
    if (addonKernelArg(info, 4, "avgPool2d kernel choice") && avgPool2x2Applies(x, kernel, stride, padding)) return WRAP(avgPool2x2(x));
    return WRAP(torch::avg_pool2d(x, kernel, stride, padding));
  })());
}

// interpolateBilinear(x [B,C,H,W], size [H2,W2], alignCorners, kernel?: 'addon' | 'libtorch')
// CPU float32/float64 inputs take the separable kernel (upsample_bilinear.cc) unless `kernel` is
// 'libtorch'; everything else takes libtorch's.
static FS_FN(InterpolateBilinear) {
  FS_RET(([&]() {
    torch::Tensor x = tensorArg(info, 0, "interpolateBilinear");
    auto size = intListArg(info, 1, "interpolateBilinear size");
    const bool alignCorners = boolArg(info, 2, "interpolateBilinear alignCorners");
    if (size.size() != 2) throw std::invalid_argument("interpolateBilinear size must be [H, W]");
    if (addonKernelArg(info, 3, "interpolateBilinear kernel choice") && separableBilinearApplies(x))
      return WRAP(upsampleBilinearSeparable(x, size[0], size[1], alignCorners));
    return WRAP(torch::upsample_bilinear2d(x, size, alignCorners));
  })());
}

static FS_FN(Linear) {
  FS_RET(WRAP(torch::linear(tensorArg(info, 0, "linear input"), tensorArg(info, 1, "linear weight"),
                            optTensorArg(info, 2, "linear bias"))));
}

static int64_t reductionArg(const Napi::CallbackInfo& info, size_t i) {
  std::string r = stringArg(info, i, "reduction");
  if (r == "none") return at::Reduction::None;
  if (r == "sum") return at::Reduction::Sum;
  if (r == "mean") return at::Reduction::Mean;
  throw std::invalid_argument("reduction must be 'none', 'sum' or 'mean', got '" + r + "'");
}

// bceWithLogits(logits, target, reduction, weight | null, posWeight | null)
static FS_FN(BceWithLogits) {
  FS_RET(WRAP(torch::binary_cross_entropy_with_logits(
      tensorArg(info, 0, "bceWithLogits logits"), tensorArg(info, 1, "bceWithLogits target"),
      optTensorArg(info, 3, "bceWithLogits weight"), optTensorArg(info, 4, "bceWithLogits posWeight"), reductionArg(info, 2))));
}

static FS_FN(Softmax) { FS_RET(WRAP(torch::softmax(tensorArg(info, 0, "softmax"), intArg(info, 1, "softmax dim")))); }
static FS_FN(LogSoftmax) {
  FS_RET(WRAP(torch::log_softmax(tensorArg(info, 0, "logSoftmax"), intArg(info, 1, "logSoftmax dim"))));
}

void initNn(Napi::Env env, Napi::Object exports) {
  FS_EXPORT(exports, env, "conv2d", Conv2d);
  FS_EXPORT(exports, env, "avgPool2d", AvgPool2d);
  FS_EXPORT(exports, env, "interpolateBilinear", InterpolateBilinear);
  FS_EXPORT(exports, env, "linear", Linear);
  FS_EXPORT(exports, env, "bceWithLogits", BceWithLogits);
  FS_EXPORT(exports, env, "softmax", Softmax);
  FS_EXPORT(exports, env, "logSoftmax", LogSoftmax);
}

}  // namespace fs
