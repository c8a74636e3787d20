// flowseg_native: a thin N-API binding over libtorch. No model knowledge lives here.
#include "common.h"
#include <torch/version.h>
#include <malloc.h>
#include <dlfcn.h>

namespace fs {

void initDistributed(Napi::Env env, Napi::Object exports);  // distributed.cc
void initSignalCleanup(Napi::Env env, Napi::Object exports);  // signal_cleanup.cc
void initFused(Napi::Env env, Napi::Object exports);          // ops_fused.cc
void initCpuAllocator(Napi::Env env, Napi::Object exports);   // cpu_allocator.cc
void initProfiler(Napi::Env env, Napi::Object exports);       // profiler.cc

static FS_FN(LiveTensors) { return Napi::Number::New(info.Env(), static_cast<double>(JsTensor::liveCount.load())); }

static FS_FN(GradEnabled) { return Napi::Boolean::New(info.Env(), at::GradMode::is_enabled()); }

static FS_FN(SetGradEnabled) {
  bool previous = at::GradMode::is_enabled();
  at::GradMode::set_enabled(boolArg(info, 0, "setGradEnabled"));
  return Napi::Boolean::New(info.Env(), previous);
}

// glibc keeps freed tensor memory in its arenas; with libtorch's many large, differently sized
// blocks allocated on worker threads, that free memory fragments and RSS can climb by tens of
// MB per training step (an LIDC run reached 24 GB and was OOM-killed). malloc_trim(0) returns
// the free pages of every arena to the OS. Returns whether any memory was released.
static FS_FN(MallocTrim) { return Napi::Boolean::New(info.Env(), malloc_trim(0) != 0); }

// OpenBLAS, which Debian's libtorch links for its matrix products, keeps a thread pool of its own,
// sized at load time from OPENBLAS_NUM_THREADS or the core count; torch::set_num_threads does not
// reach it, so two runs "on one thread each" still each multiplied on every core. The library is
// loaded as a dependency of libtorch (not into the global scope), hence dlopen(RTLD_NOLOAD) by
// name. Calls `fn` with every loaded OpenBLAS's symbol `name` (either soname may be OpenBLAS).
template <typename Fn>
static int forEachOpenBlas(const char* name, Fn fn) {
  int found = 0;
  for (const char* lib : {"libopenblas.so.0", "libblas.so.3"}) {
    void* handle = dlopen(lib, RTLD_NOW | RTLD_NOLOAD);
    if (handle == nullptr) continue;
    if (void* symbol = dlsym(handle, name)) {
      fn(symbol);
      found++;
    }
    dlclose(handle);
  }
  return found;
}

static FS_FN(SetNumThreads) {
  return guarded(info, [&]() -> Napi::Value {
    int threads = static_cast<int>(intArg(info, 0, "threads"));
    torch::set_num_threads(threads);
    forEachOpenBlas("openblas_set_num_threads", [&](void* f) { reinterpret_cast<void (*)(int)>(f)(threads); });
    return info.Env().Undefined();
  });
}
// The smallest thread count of the loaded OpenBLAS copies, or -1 when libtorch runs on another BLAS.
static FS_FN(GetBlasThreads) {
  int least = -1;
  forEachOpenBlas("openblas_get_num_threads", [&](void* f) {
    int n = reinterpret_cast<int (*)()>(f)();
    least = least < 0 ? n : std::min(least, n);
  });
  return Napi::Number::New(info.Env(), least);
}
static FS_FN(GetNumThreads) { return Napi::Number::New(info.Env(), torch::get_num_threads()); }
static FS_FN(CudaAvailable) { return Napi::Boolean::New(info.Env(), torch::cuda::is_available()); }
static FS_FN(Version) { return Napi::String::New(info.Env(), TORCH_VERSION); }

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  initCpuAllocator(env, exports);  // first: every tensor of this process comes from it
  JsTensor::Init(env, exports);
  initCreate(env, exports);
  initMath(env, exports);
  initShape(env, exports);
  initNn(env, exports);
  initFused(env, exports);
  initOptim(env, exports);
  initRandom(env, exports);
  initDistributed(env, exports);
  initSignalCleanup(env, exports);
  initProfiler(env, exports);
  FS_EXPORT(exports, env, "liveTensors", LiveTensors);
  FS_EXPORT(exports, env, "setGradEnabled", SetGradEnabled);
  FS_EXPORT(exports, env, "gradEnabled", GradEnabled);
  FS_EXPORT(exports, env, "setNumThreads", SetNumThreads);
  FS_EXPORT(exports, env, "getBlasThreads", GetBlasThreads);
  FS_EXPORT(exports, env, "mallocTrim", MallocTrim);
  FS_EXPORT(exports, env, "getNumThreads", GetNumThreads);
  FS_EXPORT(exports, env, "cudaAvailable", CudaAvailable);
  FS_EXPORT(exports, env, "torchVersion", Version);
  return exports;
}

}  // namespace fs

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return fs::Init(env, exports); }
NODE_API_MODULE(flowseg_native, InitModule)
