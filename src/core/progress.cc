#include "core/progress.h"

#include <unistd.h>

#include <cstdio>

#include <fmt/format.h>

namespace lodestar::core {

ProgressReporter::ProgressReporter(std::string label, uint64_t total, std::string unit, bool enabled)
    : label_(std::move(label)),
      unit_(std::move(unit)),
      total_(total),
      enabled_(enabled),
      tty_(isatty(STDERR_FILENO)),
      start_(std::chrono::steady_clock::now()),
      last_(start_) {}

ProgressReporter::~ProgressReporter() { Finish(); }

void ProgressReporter::Add(uint64_t done_units, uint64_t items) {
  done_ += done_units;
  items_ += items;
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  auto interval = tty_ ? std::chrono::milliseconds(200) : std::chrono::milliseconds(5000);
  std::unique_lock lock(mu_, std::try_to_lock);
  if (!lock.owns_lock() || now - last_ < interval) return;
  last_ = now;
  Render(false);
}

void ProgressReporter::Finish() {
  std::lock_guard lock(mu_);
  if (finished_ || !enabled_) return;
  finished_ = true;
  Render(true);
}

static std::string Human(double v) {
  if (v >= 1e9) return fmt::format("{:.2f}G", v / 1e9);
  if (v >= 1e6) return fmt::format("{:.2f}M", v / 1e6);
  if (v >= 1e3) return fmt::format("{:.1f}k", v / 1e3);
  return fmt::format("{:.0f}", v);
}

void ProgressReporter::Render(bool final) {
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  double done = static_cast<double>(done_.load());
  double rate = secs > 0 ? done / secs : 0;
  std::string line = fmt::format("{}: {} {}", label_, Human(done), unit_);
  if (items_ > 0) line += fmt::format(" ({} ads, {}/s)", Human(double(items_)), Human(items_ / std::max(secs, 1e-9)));
  line += fmt::format(", {}/s", Human(rate));
  if (total_ > 0 && !final) {
    double frac = std::min(1.0, done / double(total_));
    int width = 24, filled = int(frac * width);
    std::string bar(filled, '#');
    bar.resize(width, '.');
    double eta = rate > 0 ? (double(total_) - done) / rate : 0;
    line = fmt::format("[{}] {:3.0f}% {}, ETA {:.0f}s", bar, frac * 100, line, eta);
  }
  if (final) line += fmt::format(", {:.1f}s", secs);
  if (tty_) {
    std::fprintf(stderr, "\r\033[K%s%s", line.c_str(), final ? "\n" : "");
  } else {
    std::fprintf(stderr, "%s\n", line.c_str());
  }
  std::fflush(stderr);
}

}  // namespace lodestar::core
