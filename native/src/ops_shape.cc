// Shape and indexing ops (views where libtorch gives views).
#include "common.h"

namespace fs {

static FS_FN(Reshape) { FS_RET(WRAP(tensorArg(info, 0, "reshape").reshape(intListArg(info, 1, "reshape shape")))); }
static FS_FN(Permute) { FS_RET(WRAP(tensorArg(info, 0, "permute").permute(intListArg(info, 1, "permute dims")))); }
static FS_FN(Expand) { FS_RET(WRAP(tensorArg(info, 0, "expand").expand(intListArg(info, 1, "expand shape")))); }
static FS_FN(Repeat) { FS_RET(WRAP(tensorArg(info, 0, "repeat").repeat(intListArg(info, 1, "repeat counts")))); }
static FS_FN(Transpose) {
  FS_RET(WRAP(tensorArg(info, 0, "transpose").transpose(intArg(info, 1, "transpose dim0"), intArg(info, 2, "transpose dim1"))));
}
static FS_FN(Squeeze) { FS_RET(WRAP(tensorArg(info, 0, "squeeze").squeeze(intArg(info, 1, "squeeze dim")))); }
static FS_FN(Unsqueeze) { FS_RET(WRAP(tensorArg(info, 0, "unsqueeze").unsqueeze(intArg(info, 1, "unsqueeze dim")))); }
static FS_FN(Flatten) {
  FS_RET(WRAP(tensorArg(info, 0, "flatten").flatten(intArg(info, 1, "flatten start"), intArg(info, 2, "flatten end"))));
}

// slice(t, dim, start, end, step) like Python's t[..., start:end:step, ...].
static FS_FN(Slice) {
  FS_RET(([&]() {
    int64_t step = info.Length() > 4 && info[4].IsNumber() ? intArg(info, 4, "slice step") : 1;
    return WRAP(tensorArg(info, 0, "slice").slice(intArg(info, 1, "slice dim"), intArg(info, 2, "slice start"),
                                                  intArg(info, 3, "slice end"), step));
  })());
}

static FS_FN(IndexSelect) {
  FS_RET(WRAP(torch::index_select(tensorArg(info, 0, "indexSelect"), intArg(info, 1, "indexSelect dim"),
                                  tensorArg(info, 2, "indexSelect index"))));
}

static FS_FN(Cat) { FS_RET(WRAP(torch::cat(tensorListArg(info, 0, "cat"), intArg(info, 1, "cat dim")))); }
static FS_FN(Stack) { FS_RET(WRAP(torch::stack(tensorListArg(info, 0, "stack"), intArg(info, 1, "stack dim")))); }

static FS_FN(Split) {
  FS_RET(([&]() {
    auto parts = torch::split_with_sizes(tensorArg(info, 0, "split"), intListArg(info, 1, "split sizes"), intArg(info, 2, "split dim"));
    auto out = Napi::Array::New(info.Env(), parts.size());
    for (size_t i = 0; i < parts.size(); i++) out.Set(static_cast<uint32_t>(i), WRAP(parts[i]));
    return Napi::Value(out);
  })());
}

void initShape(Napi::Env env, Napi::Object exports) {
  FS_EXPORT(exports, env, "reshape", Reshape);
  FS_EXPORT(exports, env, "permute", Permute);
  FS_EXPORT(exports, env, "expand", Expand);
  FS_EXPORT(exports, env, "repeat", Repeat);
  FS_EXPORT(exports, env, "transpose", Transpose);
  FS_EXPORT(exports, env, "squeeze", Squeeze);
  FS_EXPORT(exports, env, "unsqueeze", Unsqueeze);
  FS_EXPORT(exports, env, "flatten", Flatten);
  FS_EXPORT(exports, env, "slice", Slice);
  FS_EXPORT(exports, env, "indexSelect", IndexSelect);
  FS_EXPORT(exports, env, "cat", Cat);
  FS_EXPORT(exports, env, "stack", Stack);
  FS_EXPORT(exports, env, "split", Split);
}

}  // namespace fs
