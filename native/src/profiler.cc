// libtorch's autograd profiler (the legacy CPU one: Debian's libtorch has no Kineto) seen from JS:
// profilerStart() records every ATen op and autograd node on this thread (their RecordFunction
// ranges), profilerStop() returns one row per op name with calls, self and total CPU time, and
// with profileMemory the bytes allocated in the op itself — the columns of PyTorch's
// key_averages(), so the two engines' tables line up (bench/profileStep.ts).
#include "common.h"
#include <torch/csrc/autograd/profiler_legacy.h>
#include <map>

namespace fs {
namespace {

namespace prof = torch::autograd::profiler;

struct Row {
  int64_t calls = 0;
  double selfUs = 0, totalUs = 0;
  int64_t selfBytes = 0;
};

struct Open {
  const prof::LegacyEvent* push;
  double childUs = 0;
  int64_t bytes = 0;
};

// profilerStart(memory, shapes): with `shapes`, ops are keyed by name and input shapes ("aten::mm [[8,32],[32,32]]").
bool shapesInKey = false;

std::string shapesText(const std::vector<std::vector<int64_t>>& shapes) {
  std::string s = "[";
  for (size_t i = 0; i < shapes.size(); ++i) s += (i ? ",[" : "[") + c10::Join(",", shapes[i]) + "]";
  return s + "]";
}

FS_FN(ProfilerStart) {
  return guarded(info, [&]() -> Napi::Value {
    const bool memory = boolArg(info, 0, "profilerStart profileMemory");
    shapesInKey = info.Length() > 1 && info[1].IsBoolean() && info[1].As<Napi::Boolean>().Value();
    prof::enableProfilerLegacy(prof::ProfilerConfig(prof::ProfilerState::CPU, /*report_input_shapes=*/shapesInKey, memory));
    return info.Env().Undefined();
  });
}

FS_FN(ProfilerStop) {
  return guarded(info, [&]() -> Napi::Value {
    std::map<std::string, Row> rows;
    for (auto& events : prof::disableProfilerLegacy()) {
      std::vector<Open> stack;  // a thread's ranges nest: each pop closes the innermost push
      for (auto& e : events) {
        if (e.kind() == prof::EventKind::PushRange) {
          stack.push_back({&e});
        } else if (e.kind() == prof::EventKind::PopRange && !stack.empty()) {
          Open open = stack.back();
          stack.pop_back();
          const double total = open.push->cpuElapsedUs(e);
          Row& row = rows[shapesInKey ? std::string(open.push->name()) + " " + shapesText(open.push->shapes()) : std::string(open.push->name())];
          row.calls++;
          row.totalUs += total;
          row.selfUs += total - open.childUs;
          row.selfBytes += open.bytes;
          if (!stack.empty()) stack.back().childUs += total;
        } else if (e.kind() == prof::EventKind::MemoryAlloc && !stack.empty()) {
          stack.back().bytes += e.cpuMemoryUsage();
        }
      }
    }
    auto out = Napi::Array::New(info.Env());
    uint32_t k = 0;
    for (auto& [name, row] : rows) {
      if (name == "[memory]") continue;
      auto o = Napi::Object::New(info.Env());
      o.Set("name", name);
      o.Set("calls", Napi::Number::New(info.Env(), static_cast<double>(row.calls)));
      o.Set("selfUs", Napi::Number::New(info.Env(), row.selfUs));
      o.Set("totalUs", Napi::Number::New(info.Env(), row.totalUs));
      o.Set("selfBytes", Napi::Number::New(info.Env(), static_cast<double>(row.selfBytes)));
      out.Set(k++, o);
    }
    return Napi::Value(out);
  });
}

}  // namespace

void initProfiler(Napi::Env env, Napi::Object exports) {
  FS_EXPORT(exports, env, "profilerStart", ProfilerStart);
  FS_EXPORT(exports, env, "profilerStop", ProfilerStop);
}

}  // namespace fs
