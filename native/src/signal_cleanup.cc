// Temp files flowseg stages while a synchronous command runs (training, evaluation): a JS signal
// handler could only run after that work, so Ctrl-C/SIGTERM are handled here instead. The handler
// removes the registered temps with /bin/rm (fork + exec are async-signal-safe), then hands the
// signal to whatever handled it before, so the process ends exactly as it would have.
#include "common.h"
#include <atomic>
#include <csignal>
#include <cstring>
#include <sys/wait.h>
#include <unistd.h>

namespace fs {

namespace {
constexpr int kSlots = 64;
constexpr int kPathMax = 4096;
// Fixed storage: the handler must not allocate. A slot is in use when its flag is set.
char gPaths[kSlots][kPathMax];
std::atomic<bool> gUsed[kSlots];
bool gInstalled = false;
// What handled each signal before us (Node's own handler resets the terminal and exits with
// 128 + signal; libuv's dispatches to JS listeners): chained to after the temps are gone.
struct sigaction gPrevious[NSIG];

void removeTemps(int sig) {
  for (int i = 0; i < kSlots; i++) {
    if (!gUsed[i].load()) continue;
    pid_t pid = fork();
    if (pid == 0) {
      execl("/bin/rm", "rm", "-rf", "--", gPaths[i], static_cast<char*>(nullptr));
      _exit(127);
    }
    if (pid > 0) {
      int status = 0;
      while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
    }
  }
  sigaction(sig, &gPrevious[sig], nullptr);
  raise(sig);  // delivered to the previous handler once this one returns
}

void install() {
  if (gInstalled) return;
  gInstalled = true;
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
    struct sigaction current {};
    sigaction(sig, nullptr, &current);
    if (current.sa_handler == SIG_IGN) continue;  // e.g. nohup: the signal must not end us
    gPrevious[sig] = current;
    struct sigaction sa {};
    sa.sa_handler = removeTemps;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, nullptr);
  }
}
}  // namespace

static FS_FN(RegisterTemp) {
  std::string path = info[0].As<Napi::String>().Utf8Value();
  install();
  if (path.size() >= static_cast<size_t>(kPathMax)) return Napi::Boolean::New(info.Env(), false);
  for (int i = 0; i < kSlots; i++) {
    if (gUsed[i].load()) continue;
    std::strncpy(gPaths[i], path.c_str(), kPathMax - 1);
    gPaths[i][kPathMax - 1] = '\0';
    gUsed[i].store(true);
    return Napi::Boolean::New(info.Env(), true);
  }
  return Napi::Boolean::New(info.Env(), false);  // full: the next run's sweep still removes it
}

static FS_FN(UnregisterTemp) {
  std::string path = info[0].As<Napi::String>().Utf8Value();
  for (int i = 0; i < kSlots; i++) {
    if (gUsed[i].load() && path == gPaths[i]) {
      gUsed[i].store(false);
      break;
    }
  }
  return info.Env().Undefined();
}

void initSignalCleanup(Napi::Env env, Napi::Object exports) {
  FS_EXPORT(exports, env, "registerTemp", RegisterTemp);
  FS_EXPORT(exports, env, "unregisterTemp", UnregisterTemp);
}

}  // namespace fs
