// The addon's own thread pool (kernels.md §4.2, §6 items 13-14): one thread per core counting the
// caller (ZOO_THREADS overrides), persistent workers that spin briefly and then sleep on a
// condition variable, and chunks handed out dynamically from an atomic counter so a descheduled
// vCPU does not stall the others. A call blocks until every chunk is done.
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

#include "zoo.h"

#if ZOO_X86
#include <immintrin.h>
#define ZOO_PAUSE() _mm_pause()
#else
#define ZOO_PAUSE() std::this_thread::yield()
#endif

namespace zoo {
namespace {

// Spin this many pause iterations (~20-50 µs) before sleeping: long enough to catch back-to-back
// kernel calls, short enough not to steal a shared core (llama.cpp PR #29258's lesson).
constexpr int kSpin = 2000;

class Pool {
 public:
  explicit Pool(int threads) { resize(threads); }
  ~Pool() { stop(); }

  int threads() const { return static_cast<int>(workers_.size()) + 1; }

  void resize(int threads) {
    stop();
    stopping_ = false;
    // The generation is read here, not in the new thread: a job published before the thread
    // first runs must still be seen as new (else the caller would wait for it forever).
    const uint64_t start = generation_.load();
    for (int i = 1; i < std::max(threads, 1); i++) workers_.emplace_back([this, start] { work(start); });
  }

  void run(size_t chunks, const std::function<void(size_t)>& fn) {
    // JS calls in from one thread at a time, but a process may host several Node environments
    // (worker_threads): a second concurrent caller runs its job inline instead of waiting.
    std::unique_lock<std::mutex> busy(run_mu_, std::try_to_lock);
    if (!busy.owns_lock() || workers_.empty() || chunks < 2) {
      for (size_t c = 0; c < chunks; c++) fn(c);
      return;
    }
    {
      std::lock_guard<std::mutex> lk(mu_);
      job_ = &fn;
      chunks_ = chunks;
      next_.store(0);
      pending_.store(static_cast<int>(workers_.size()));
      generation_.fetch_add(1, std::memory_order_release);
    }
    cv_.notify_all();
    drain();
    // Wait for the workers to leave the job (they may still be finishing a chunk).
    for (int i = 0; pending_.load(std::memory_order_acquire) > 0; i++) {
      if (i < kSpin) ZOO_PAUSE();
      else std::this_thread::yield();
    }
    job_ = nullptr;
  }

 private:
  void drain() {
    const std::function<void(size_t)>& fn = *job_;
    for (size_t c; (c = next_.fetch_add(1)) < chunks_;) fn(c);
  }

  void work(uint64_t seen) {
    for (;;) {
      int spins = 0;
      while (generation_.load(std::memory_order_acquire) == seen && !stopping_) {
        if (++spins < kSpin) {
          ZOO_PAUSE();
          continue;
        }
        std::unique_lock<std::mutex> lk(mu_);
        cv_.wait(lk, [&] { return generation_.load() != seen || stopping_; });
      }
      if (stopping_) return;
      seen = generation_.load(std::memory_order_acquire);
      drain();
      pending_.fetch_sub(1, std::memory_order_acq_rel);
    }
  }

  void stop() {
    {
      std::lock_guard<std::mutex> lk(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    for (auto& t : workers_) t.join();
    workers_.clear();
  }

  std::vector<std::thread> workers_;
  std::mutex mu_, run_mu_;
  std::condition_variable cv_;
  std::atomic<uint64_t> generation_{0};
  std::atomic<size_t> next_{0};
  std::atomic<int> pending_{0};
  size_t chunks_ = 0;
  const std::function<void(size_t)>* job_ = nullptr;
  std::atomic<bool> stopping_{false};
};

int default_threads() {
  if (const char* env = std::getenv("ZOO_THREADS")) {
    int n = std::atoi(env);
    if (n >= 1) return std::min(n, 256);
  }
  unsigned hw = std::thread::hardware_concurrency();
  return hw ? static_cast<int>(hw) : 1;
}

// NOTE: intentionally leaked: joining threads from a static destructor at process exit can
// deadlock with Node's own teardown; the OS reclaims them.
Pool& pool() {
  static Pool* p = new Pool(default_threads());
  return *p;
}

}  // namespace

int thread_count() { return pool().threads(); }
void set_thread_count(int n) { pool().resize(std::max(1, std::min(n, 256))); }

void parallel_for(size_t n, size_t grain, const std::function<void(size_t, size_t)>& body) {
  if (n == 0) return;
  grain = std::max<size_t>(grain, 1);
  const size_t threads = static_cast<size_t>(thread_count());
  // About 4 chunks per thread for dynamic balance, never smaller than the grain.
  size_t chunks = std::min((n + grain - 1) / grain, threads * 4);
  if (threads < 2 || chunks < 2) {
    body(0, n);
    return;
  }
  const size_t step = (n + chunks - 1) / chunks;
  chunks = (n + step - 1) / step;
  pool().run(chunks, [&](size_t c) { body(c * step, std::min(n, (c + 1) * step)); });
}

Scratch::Scratch(size_t bytes) {
  size_t rounded = ((bytes + 63) / 64) * 64;
  p_ = std::aligned_alloc(64, rounded ? rounded : 64);
}
Scratch::~Scratch() { std::free(p_); }

}  // namespace zoo
