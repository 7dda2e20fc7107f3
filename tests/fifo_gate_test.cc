// FifoGate (server/fifo_gate.h): never more holders than slots, and waiters
// admitted in the order they arrived.
#include "server/fifo_gate.h"

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

namespace lodestar::server {
namespace {

void WaitUntil(const std::function<bool()>& done) {
  while (!done()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

TEST(FifoGate, AdmitsWaitersInArrivalOrder) {
  FifoGate gate(1);
  std::vector<int> order;
  std::mutex order_mu;
  std::vector<std::thread> threads;
  {
    FifoGate::Pass held(gate);
    for (int i = 0; i < 6; ++i) {
      threads.emplace_back([&, i] {
        FifoGate::Pass pass(gate);
        std::lock_guard lock(order_mu);
        order.push_back(i);
      });
      // The next thread starts only once this one is queued.
      WaitUntil([&] { return gate.waiting() == static_cast<size_t>(i) + 1; });
    }
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4, 5}));
  EXPECT_EQ(gate.waiting(), 0u);
}

TEST(FifoGate, NeverAdmitsMoreThanItsSlots) {
  FifoGate gate(3);
  std::atomic<int> inside{0}, most{0}, done{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&] {
      for (int k = 0; k < 200; ++k) {
        FifoGate::Pass pass(gate);
        int now = ++inside;
        int seen = most.load();
        while (now > seen && !most.compare_exchange_weak(seen, now)) {
        }
        std::this_thread::yield();
        --inside;
      }
      ++done;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(done.load(), 16);
  EXPECT_LE(most.load(), 3);
  EXPECT_GE(most.load(), 1);
  // All slots are free again: three passes at once do not block.
  FifoGate::Pass a(gate), b(gate), c(gate);
  EXPECT_EQ(gate.waiting(), 0u);
}

TEST(FifoGate, ZeroSlotsMeansOne) {
  FifoGate gate(0);
  std::atomic<bool> second_in{false};
  std::thread t;
  {
    FifoGate::Pass first(gate);
    t = std::thread([&] {
      FifoGate::Pass second(gate);
      second_in = true;
    });
    WaitUntil([&] { return gate.waiting() == 1; });
    EXPECT_FALSE(second_in.load());
  }
  t.join();
  EXPECT_TRUE(second_in.load());
}

}  // namespace
}  // namespace lodestar::server
