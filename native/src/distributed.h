// Shared between the c10d files: the process group behind a JS handle and a checked wait.
#pragma once
#include "common.h"
#include <torch/csrc/distributed/c10d/ProcessGroup.hpp>

namespace fs {

c10::intrusive_ptr<c10d::ProcessGroup> processGroupArg(const Napi::CallbackInfo& info, size_t i);
void waitWork(const c10::intrusive_ptr<c10d::Work>& work, const char* what);

}  // namespace fs
