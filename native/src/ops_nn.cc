// Neural-network ops: convolution, pooling, resampling, linear, losses.
#include "common.h"

namespace fs {

// conv2d(x [B,Cin,H,W], w [Cout,Cin/g,kh,kw], b [Cout] | null, stride[2], padding[2], dilation[2], groups)
static FS_FN(Conv2d) {
  FS_RET(WRAP(torch::conv2d(tensorArg(info, 0, "conv2d input"), tensorArg(info, 1, "conv2d weight"),
                            optTensorArg(info, 2, "conv2d bias"), intListArg(info, 3, "conv2d stride"),
                            intListArg(info, 4, "conv2d padding"), intListArg(info, 5, "conv2d dilation"),
                            intArg(info, 6, "conv2d groups"))));
}

// avgPool2d(x, kernel[2], stride[2], padding[2])
static FS_FN(AvgPool2d) {
  FS_RET(WRAP(torch::avg_pool2d(tensorArg(info, 0, "avgPool2d"), intListArg(info, 1, "avgPool2d kernel"),
                                intListArg(info, 2, "avgPool2d stride"), intListArg(info, 3, "avgPool2d padding"))));
}

// interpolateBilinear(x [B,C,H,W], size [H2,W2], alignCorners)
static FS_FN(InterpolateBilinear) {
  FS_RET(WRAP(torch::upsample_bilinear2d(tensorArg(info, 0, "interpolateBilinear"), intListArg(info, 1, "interpolateBilinear size"),
                                         boolArg(info, 2, "interpolateBilinear alignCorners"))));
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
