// FifoGate: lets at most N callers hold a pass at once, admitting waiters in
// the order they arrived.
//
// Why: the HTTP server runs one thread per keep-alive connection (httplib), so
// 32 clients mean 32 searches sharing 2 cores. Shared that way, every search
// takes as long as the slowest one in flight times the crowd; queued in arrival
// order with one search per core, each runs at full speed and waits only for
// those ahead of it, which cuts the tail latency without costing throughput.
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>

namespace lodestar::server {

class FifoGate {
 public:
  // slots >= 1 (0 is taken as 1).
  explicit FifoGate(unsigned slots) : free_(slots == 0 ? 1 : slots) {}
  FifoGate(const FifoGate&) = delete;
  FifoGate& operator=(const FifoGate&) = delete;

  // Callers blocked waiting for a pass now.
  size_t waiting() const {
    std::lock_guard lock(mu_);
    return queue_.size();
  }

  // Held while alive; blocks in the constructor until admitted.
  class Pass {
   public:
    explicit Pass(FifoGate& gate) : gate_(gate) { gate_.Enter(); }
    ~Pass() { gate_.Leave(); }
    Pass(const Pass&) = delete;
    Pass& operator=(const Pass&) = delete;

   private:
    FifoGate& gate_;
  };

 private:
  // One per blocked caller, on its own stack; Leave() wakes only the first.
  struct Waiter {
    std::condition_variable cv;
    bool admitted = false;
  };
  void Enter() {
    std::unique_lock lock(mu_);
    if (free_ > 0 && queue_.empty()) {
      --free_;
      return;
    }
    Waiter me;
    queue_.push_back(&me);
    me.cv.wait(lock, [&] { return me.admitted; });
  }
  void Leave() {
    std::lock_guard lock(mu_);
    if (queue_.empty()) {
      ++free_;
      return;
    }
    // The slot passes straight to the longest waiter.
    Waiter* next = queue_.front();
    queue_.pop_front();
    next->admitted = true;
    next->cv.notify_one();
  }

  mutable std::mutex mu_;
  unsigned free_;
  std::deque<Waiter*> queue_;
};

}  // namespace lodestar::server
