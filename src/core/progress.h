// Progress reporting for long jobs.
//
// On a terminal (stderr is a TTY) it redraws one line with count, rate and ETA;
// otherwise it prints a plain line every `interval` seconds, so logs from CI or
// `nohup` stay readable. Thread-safe: Add() may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace lodestar::core {

class ProgressReporter {
 public:
  // `total` = expected units (0 if unknown); `unit` names them ("ads", "bytes").
  ProgressReporter(std::string label, uint64_t total, std::string unit, bool enabled = true);
  ~ProgressReporter();
  ProgressReporter(const ProgressReporter&) = delete;
  ProgressReporter& operator=(const ProgressReporter&) = delete;

  void Add(uint64_t done_units, uint64_t items = 0);  // items: ads, shown beside bytes
  void Finish();                                      // prints the final line once

 private:
  void Render(bool final);
  std::string label_, unit_;
  uint64_t total_;
  bool enabled_, tty_, finished_ = false;
  std::atomic<uint64_t> done_{0}, items_{0};
  std::chrono::steady_clock::time_point start_, last_;
  std::mutex mu_;
};

}  // namespace lodestar::core
