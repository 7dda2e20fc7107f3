#include "stats/intervals.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace lodestar::stats {

double NormalUpperTail(double z) { return 0.5 * std::erfc(z / std::sqrt(2.0)); }

double NormalQuantile(double p) {
  if (p <= 0) return -INFINITY;
  if (p >= 1) return INFINITY;
  // Bisection on the CDF then two Newton steps: slow-ish but exact to ~1e-15,
  // and it is called a handful of times per table.
  double lo = -40, hi = 40;
  for (int i = 0; i < 200 && hi - lo > 1e-14; ++i) {
    double mid = 0.5 * (lo + hi);
    if (1.0 - NormalUpperTail(mid) < p) lo = mid; else hi = mid;
  }
  double z = 0.5 * (lo + hi);
  for (int i = 0; i < 2; ++i) {
    double cdf = 0.5 * std::erfc(-z / std::sqrt(2.0));
    double pdf = std::exp(-0.5 * z * z) / std::sqrt(2 * M_PI);
    if (pdf > 1e-300) z -= (cdf - p) / pdf;
  }
  return z;
}

Interval WilsonInterval(int64_t x, int64_t n, double level) {
  if (n <= 0) return {0, 1};
  double z = NormalQuantile(0.5 + level / 2);
  double nn = static_cast<double>(n), p = static_cast<double>(x) / nn, z2 = z * z;
  double denom = 1 + z2 / nn;
  double center = (p + z2 / (2 * nn)) / denom;
  double half = z / denom * std::sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn));
  // At x = 0 or x = n the bound is exactly 0 or 1; avoid -1e-17 from rounding.
  return {x == 0 ? 0.0 : std::max(0.0, center - half), x == n ? 1.0 : std::min(1.0, center + half)};
}

Interval NewcombeDifferenceInterval(int64_t x1, int64_t n1, int64_t x2, int64_t n2, double level) {
  if (n1 <= 0 || n2 <= 0) return {-1, 1};
  double p1 = static_cast<double>(x1) / n1, p2 = static_cast<double>(x2) / n2, d = p1 - p2;
  Interval w1 = WilsonInterval(x1, n1, level), w2 = WilsonInterval(x2, n2, level);
  double lo = d - std::sqrt((p1 - w1.lo) * (p1 - w1.lo) + (w2.hi - p2) * (w2.hi - p2));
  double hi = d + std::sqrt((w1.hi - p1) * (w1.hi - p1) + (p2 - w2.lo) * (p2 - w2.lo));
  return {std::max(-1.0, lo), std::min(1.0, hi)};
}

namespace {
double LogChoose(int64_t n, int64_t k) {
  return std::lgamma(n + 1.0) - std::lgamma(k + 1.0) - std::lgamma(n - k + 1.0);
}
}  // namespace

double FisherExactTwoSided(int64_t a, int64_t b, int64_t c, int64_t d) {
  if (a < 0 || b < 0 || c < 0 || d < 0) return NAN;
  int64_t r1 = a + b, r2 = c + d, c1 = a + c, n = r1 + r2;
  if (n == 0 || r1 == 0 || r2 == 0 || c1 == 0 || c1 == n) return 1.0;
  int64_t lo = std::max<int64_t>(0, c1 - r2), hi = std::min(r1, c1);
  // log P(X = k) for the hypergeometric count in the top-left cell.
  auto logp = [&](int64_t k) { return LogChoose(r1, k) + LogChoose(r2, c1 - k) - LogChoose(n, c1); };
  double observed = logp(a);
  double threshold = observed + std::log1p(1e-7);
  // Sum in a numerically safe way: factor out the largest log-probability.
  std::vector<double> terms;
  double max_term = -INFINITY;
  for (int64_t k = lo; k <= hi; ++k) {
    double lp = logp(k);
    if (lp <= threshold) {
      terms.push_back(lp);
      max_term = std::max(max_term, lp);
    }
  }
  double s = 0;
  for (double t : terms) s += std::exp(t - max_term);
  return std::min(1.0, std::exp(max_term) * s);
}

double BinomialTestTwoSided(int64_t x, int64_t n, double p0) {
  if (n <= 0) return 1.0;
  if (p0 <= 0) return x == 0 ? 1.0 : 0.0;
  if (p0 >= 1) return x == n ? 1.0 : 0.0;
  auto logp = [&](int64_t k) { return LogChoose(n, k) + k * std::log(p0) + (n - k) * std::log1p(-p0); };
  double threshold = logp(x) + std::log1p(1e-7);
  double s = 0;
  for (int64_t k = 0; k <= n; ++k) {
    double lp = logp(k);
    if (lp <= threshold) s += std::exp(lp);
  }
  return std::min(1.0, s);
}

namespace {
// Continued fraction for the incomplete beta (modified Lentz method).
double BetaContinuedFraction(double a, double b, double x) {
  const double tiny = 1e-300, eps = 1e-15;
  double qab = a + b, qap = a + 1, qam = a - 1;
  double c = 1, d = 1 - qab * x / qap;
  if (std::fabs(d) < tiny) d = tiny;
  d = 1 / d;
  double h = d;
  for (int m = 1; m <= 10000; ++m) {
    int m2 = 2 * m;
    double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (std::fabs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (std::fabs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1 / d;
    double del = d * c;
    h *= del;
    if (std::fabs(del - 1) < eps) break;
  }
  return h;
}
}  // namespace

double RegularizedIncompleteBeta(double a, double b, double x) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  double log_front = std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x);
  if (x < (a + 1) / (a + b + 2)) return std::exp(log_front) * BetaContinuedFraction(a, b, x) / a;
  return 1 - std::exp(log_front) * BetaContinuedFraction(b, a, 1 - x) / b;
}

namespace {
// x such that I_x(a, b) = p, by bisection (monotone in x).
double BetaQuantile(double a, double b, double p) {
  double lo = 0, hi = 1;
  for (int i = 0; i < 200 && hi - lo > 1e-15; ++i) {
    double mid = 0.5 * (lo + hi);
    if (RegularizedIncompleteBeta(a, b, mid) < p) lo = mid; else hi = mid;
  }
  return 0.5 * (lo + hi);
}
}  // namespace

Interval ClopperPearsonInterval(int64_t x, int64_t n, double level) {
  if (n <= 0) return {0, 1};
  double alpha = 1 - level;
  double lo = x == 0 ? 0.0 : BetaQuantile(static_cast<double>(x), static_cast<double>(n - x + 1), alpha / 2);
  double hi = x == n ? 1.0 : BetaQuantile(static_cast<double>(x + 1), static_cast<double>(n - x), 1 - alpha / 2);
  return {lo, hi};
}

}  // namespace lodestar::stats
