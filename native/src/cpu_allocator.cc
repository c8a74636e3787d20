// A caching CPU allocator for libtorch's large tensor blocks (issue 29).
//
// libtorch's default CPU allocator is glibc malloc. A training step allocates and frees the same
// few hundred large blocks every step; glibc serves them from its heap, where freed blocks
// fragment and the heap's extent grows past the live set. Measured on the PU-Net + 2-planar
// step (batch 8, 128², 2 threads): 657 MB of live malloc memory at the peak, 1,362 MB of heap,
// 1,587 MB peak RSS — and 80–220k page faults per step where the heap's top was trimmed and
// touched again. PyTorch, on the same glibc, had 696 MB live and 1,117 MB RSS that time; the
// layout depends on the order of frees, which differs between refcounting and scope().
//
// Here blocks of ≥ kLargeBlock bytes come from segments of ≥ 48 MiB, mmap-ed once: a request
// takes the smallest free block that fits and splits off the rest, a freed block merges with
// its free neighbours (as PyTorch's CUDA caching allocator does with device memory). A segment's
// pages are faulted in once, on first use, and then serve every step: on the same step's trace
// this needs 640–704 MB where the live peak is 603 MB, and no new pages after the second step
// (blocks kept whole per size needed 887 MB; resizing blocks to each request held 603 MB but
// faulted in 520 MB per step). A wholly free segment is unmapped when the segments exceed twice
// the peak of live bytes so far (and kMinCap), and by emptyCpuCache(). Smaller blocks go to
// c10's alloc_cpu / free_cpu (glibc) as before. FLOWSEG_CPU_CACHE=off keeps libtorch's default.
#include "common.h"
#include <c10/core/CPUAllocator.h>
#include <c10/core/impl/alloc_cpu.h>
#include <sys/mman.h>
#include <cstdlib>
#include <map>
#include <mutex>
#include <set>
#include <utility>
#include <vector>

namespace fs {
namespace {

constexpr size_t kLargeBlock = 256 * 1024;
constexpr size_t kPage = 4096;
// The segment size sets how much best fit leaves in holes: peak RSS of the bench's training steps
// (U-Net / PU-Net + 2-planar, batch 8, 128²) at 16…128 MiB in docs/engine.md; 48 MiB was lowest
// for both. FLOWSEG_CPU_SEGMENT_MB overrides it for other shapes.
constexpr long kSegmentMb = 48;
size_t segmentBytes() {
  static const size_t bytes = [] {
    const char* v = std::getenv("FLOWSEG_CPU_SEGMENT_MB");
    const long mb = v ? std::atol(v) : kSegmentMb;
    return size_t(mb > 0 ? mb : kSegmentMb) << 20;
  }();
  return bytes;
}
constexpr size_t kMinCap = size_t(256) << 20;

struct Stats {
  size_t live = 0;      // bytes of large blocks handed out and not yet freed
  size_t reserved = 0;  // bytes of all segments (the free parts are cached)
  size_t peakLive = 0;  // the largest `live` so far
  size_t mapped = 0;    // segments mmap-ed (their pages are faulted in on first use)
  size_t reused = 0;    // requests served from a free part of a segment
  size_t released = 0;  // segments unmapped again
};

// A segment is one mmap of ≥ kSegment bytes, cut into blocks that are handed out or free:
// a request takes the smallest free block that fits (and splits off the rest), a freed block
// merges with free neighbours of its segment. One instance for the life of the process, never
// destroyed: tensors freed during static destruction at exit still find it.
class BlockCache {
 public:
  void* take(size_t bytes) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = free_.lower_bound({bytes, nullptr});
      if (it != free_.end()) {
        char* p = it->second;
        free_.erase(it);
        split(p, bytes);
        stats_.reused++;
        handOut(blocks_[p].size);
        return p;
      }
    }
    const size_t size = std::max(bytes, segmentBytes());
    char* base = static_cast<char*>(mapSegment(size));
    std::lock_guard<std::mutex> lock(mutex_);
    blocks_[base] = {size, false, base, size};
    stats_.reserved += size;
    stats_.mapped++;
    split(base, bytes);
    handOut(bytes);
    return base;
  }

  // Frees `p` if it is one of our blocks (returns true), else returns false.
  bool give(void* ptr) {
    char* p = static_cast<char*>(ptr);
    std::pair<char*, size_t> unmap{nullptr, 0};
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = blocks_.find(p);
      if (it == blocks_.end() || it->second.free) return false;
      stats_.live -= it->second.size;
      it = merge(it);
      // A wholly free segment goes back to the OS once the segments hold twice the peak of live
      // bytes (a step's blocks need ~1.1×; the rest is what an earlier, larger peak left).
      Block& b = it->second;
      if (b.size == b.segmentSize && stats_.reserved > std::max(kMinCap, 2 * stats_.peakLive)) {
        unmap = {it->first, b.size};
        free_.erase({b.size, it->first});
        blocks_.erase(it);
        stats_.reserved -= unmap.second;
        stats_.released++;
      }
    }
    if (unmap.first != nullptr) munmap(unmap.first, unmap.second);
    return true;
  }

  // Unmaps every wholly free segment; returns the bytes given back.
  size_t empty() {
    std::vector<std::pair<char*, size_t>> segments;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (auto it = blocks_.begin(); it != blocks_.end();) {
        const Block& b = it->second;
        if (b.free && b.size == b.segmentSize) {
          segments.push_back({it->first, b.size});
          free_.erase({b.size, it->first});
          it = blocks_.erase(it);
        } else {
          ++it;
        }
      }
      for (auto& seg : segments) stats_.reserved -= seg.second;
      stats_.released += segments.size();
    }
    size_t bytes = 0;
    for (auto& [base, size] : segments) {
      munmap(base, size);
      bytes += size;
    }
    return bytes;
  }

  Stats stats() {
    std::lock_guard<std::mutex> lock(mutex_);
    return stats_;
  }

 private:
  struct Block {
    size_t size;
    bool free;
    char* segment;  // the segment's base: blocks of different segments never merge
    size_t segmentSize;
  };

  // Marks block p used with `bytes`, its rest (if any) a free block after it.
  void split(char* p, size_t bytes) {
    Block& b = blocks_[p];
    if (b.size > bytes) {
      blocks_[p + bytes] = {b.size - bytes, true, b.segment, b.segmentSize};
      free_.insert({b.size - bytes, p + bytes});
      b.size = bytes;
    }
    b.free = false;
  }

  // Marks the block free and merges it with free neighbours of its segment; returns the result.
  std::map<char*, Block>::iterator merge(std::map<char*, Block>::iterator it) {
    it->second.free = true;
    auto next = std::next(it);
    if (next != blocks_.end() && next->second.free && next->second.segment == it->second.segment) {
      free_.erase({next->second.size, next->first});
      it->second.size += next->second.size;
      blocks_.erase(next);
    }
    if (it != blocks_.begin()) {
      auto prev = std::prev(it);
      if (prev->second.free && prev->second.segment == it->second.segment) {
        free_.erase({prev->second.size, prev->first});
        prev->second.size += it->second.size;
        blocks_.erase(it);
        it = prev;
      }
    }
    free_.insert({it->second.size, it->first});
    return it;
  }

  void handOut(size_t bytes) {
    stats_.live += bytes;
    stats_.peakLive = std::max(stats_.peakLive, stats_.live);
  }

  void* mapSegment(size_t bytes) {
    void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
      empty();  // the cache may hold what the system is missing
      p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    }
    TORCH_CHECK(p != MAP_FAILED, "flowseg CPU allocator: out of memory allocating ", bytes, " bytes");
    // Transparent huge pages for the segment (the kernel's 'madvise' mode gives them only when
    // asked): 512× fewer first-touch faults and TLB entries for the activations. Advice only —
    // a kernel without THP ignores it. FLOWSEG_CPU_HUGEPAGES=off leaves 4 KiB pages.
    if (hugePages()) madvise(p, bytes, MADV_HUGEPAGE);
    return p;
  }

  static bool hugePages() {
    static const bool on = [] {
      const char* v = std::getenv("FLOWSEG_CPU_HUGEPAGES");
      return !(v && std::string(v) == "off");
    }();
    return on;
  }

  std::mutex mutex_;
  std::map<char*, Block> blocks_;             // every block of every segment, by address
  std::set<std::pair<size_t, char*>> free_;  // the free blocks by (size, address): best fit
  Stats stats_;
};

BlockCache& cache() {
  static BlockCache* instance = new BlockCache();
  return *instance;
}

// The profiler's memory columns (profile_memory) hear of every block, as from c10's own allocator.
void freeBlock(void* p) {
  if (p == nullptr) return;
  c10::profiledCPUMemoryReporter().Delete(p);
  if (!cache().give(p)) c10::free_cpu(p);
}

class CachingCpuAllocator final : public c10::Allocator {
 public:
  c10::DataPtr allocate(size_t n) const override {
    void* p = n < kLargeBlock ? c10::alloc_cpu(n) : cache().take((n + kPage - 1) / kPage * kPage);
    c10::profiledCPUMemoryReporter().New(p, n);
    return {p, p, &freeBlock, c10::Device(c10::DeviceType::CPU)};
  }
  c10::DeleterFnPtr raw_deleter() const override { return &freeBlock; }
};

bool installed = false;

FS_FN(CpuAllocatorStats) {
  Stats s = cache().stats();
  auto o = Napi::Object::New(info.Env());
  auto num = [&](const char* k, size_t v) { o.Set(k, Napi::Number::New(info.Env(), static_cast<double>(v))); };
  o.Set("caching", Napi::Boolean::New(info.Env(), installed));
  num("liveBytes", s.live);
  num("cachedBytes", s.reserved - s.live);
  num("peakLiveBytes", s.peakLive);
  num("mappedSegments", s.mapped);
  num("reusedBlocks", s.reused);
  num("releasedSegments", s.released);
  return o;
}

FS_FN(EmptyCpuCache) { return Napi::Number::New(info.Env(), static_cast<double>(cache().empty())); }

}  // namespace

void initCpuAllocator(Napi::Env env, Napi::Object exports) {
  const char* mode = std::getenv("FLOWSEG_CPU_CACHE");
  if (mode == nullptr || std::string(mode) != "off") {
    c10::SetCPUAllocator(new CachingCpuAllocator(), /*priority=*/1);  // libtorch keeps the pointer for the process's life
    installed = true;
  }
  FS_EXPORT(exports, env, "cpuAllocatorStats", CpuAllocatorStats);
  FS_EXPORT(exports, env, "emptyCpuCache", EmptyCpuCache);
}

}  // namespace fs
