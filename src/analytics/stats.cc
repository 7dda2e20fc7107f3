#include "analytics/stats.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace lodestar::analytics {
namespace {

// Continued fraction for I_x(a, b), evaluated by the modified Lentz method.
double BetaContinuedFraction(double a, double b, double x) {
  constexpr double kTiny = 1e-300, kEps = 1e-15;
  double qab = a + b, qap = a + 1, qam = a - 1;
  double c = 1, d = 1 - qab * x / qap;
  if (std::fabs(d) < kTiny) d = kTiny;
  d = 1 / d;
  double h = d;
  for (int m = 1; m <= 10000; ++m) {
    double m2 = 2.0 * m;
    double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1 / d;
    h *= d * c;
    aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1 / d;
    double del = d * c;
    h *= del;
    if (std::fabs(del - 1) < kEps) break;
  }
  return h;
}

}  // namespace

double RegIncBeta(double a, double b, double x) {
  if (!(a > 0) || !(b > 0) || std::isnan(x)) return std::numeric_limits<double>::quiet_NaN();
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  double ln_front = std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x);
  double front = std::exp(ln_front);
  // The fraction converges fast for x < (a+1)/(a+b+2); use the symmetry otherwise.
  if (x < (a + 1) / (a + b + 2)) return front * BetaContinuedFraction(a, b, x) / a;
  return 1 - front * BetaContinuedFraction(b, a, 1 - x) / b;
}

double InvRegIncBeta(double a, double b, double p) {
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  double lo = 0, hi = 1;
  for (int i = 0; i < 200 && hi - lo > 1e-14; ++i) {
    double mid = 0.5 * (lo + hi);
    if (RegIncBeta(a, b, mid) < p) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

double BinomialUpperTail(uint64_t k, uint64_t n, double p) {
  if (k == 0) return 1;
  if (k > n) return 0;
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  // P(X >= k) = I_p(k, n - k + 1).
  return RegIncBeta(static_cast<double>(k), static_cast<double>(n - k + 1), p);
}

Interval ClopperPearson(uint64_t k, uint64_t n, double confidence) {
  Interval iv{0, 1};
  if (n == 0) return iv;
  double alpha = 1 - confidence;
  double kd = static_cast<double>(k), nd = static_cast<double>(n);
  iv.lo = k == 0 ? 0 : InvRegIncBeta(kd, nd - kd + 1, alpha / 2);
  iv.hi = k == n ? 1 : InvRegIncBeta(kd + 1, nd - kd, 1 - alpha / 2);
  return iv;
}

std::vector<double> BenjaminiHochberg(const std::vector<double>& p) {
  size_t m = p.size();
  std::vector<size_t> order(m);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return p[a] < p[b]; });
  std::vector<double> q(m);
  double running = 1;
  for (size_t r = m; r-- > 0;) {
    double v = p[order[r]] * static_cast<double>(m) / static_cast<double>(r + 1);
    running = std::min(running, v);
    q[order[r]] = std::min(1.0, running);
  }
  return q;
}

double NormalSf(double z) { return 0.5 * std::erfc(z / std::sqrt(2.0)); }

MannWhitney MannWhitneyU(const std::vector<double>& a, const std::vector<double>& b) {
  MannWhitney r;
  size_t n1 = a.size(), n2 = b.size();
  if (n1 == 0 || n2 == 0) return r;
  std::vector<std::pair<double, int>> all;
  all.reserve(n1 + n2);
  for (double x : a) all.push_back({x, 0});
  for (double x : b) all.push_back({x, 1});
  std::sort(all.begin(), all.end());
  double rank_sum_a = 0, tie_term = 0;
  size_t n = all.size();
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && all[j].first == all[i].first) ++j;
    double avg = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2;  // ranks i+1..j
    double t = static_cast<double>(j - i);
    tie_term += t * t * t - t;
    for (size_t k = i; k < j; ++k) {
      if (all[k].second == 0) rank_sum_a += avg;
    }
    i = j;
  }
  double dn1 = static_cast<double>(n1), dn2 = static_cast<double>(n2), dn = dn1 + dn2;
  r.u = rank_sum_a - dn1 * (dn1 + 1) / 2;
  r.effect = r.u / (dn1 * dn2);
  double mean = dn1 * dn2 / 2;
  double var = dn1 * dn2 / 12 * ((dn + 1) - tie_term / (dn * (dn - 1)));
  if (var <= 0) return r;
  double diff = r.u - mean;
  double cc = diff > 0 ? -0.5 : (diff < 0 ? 0.5 : 0);
  r.z = (diff + cc) / std::sqrt(var);
  r.p = std::min(1.0, 2 * NormalSf(std::fabs(r.z)));
  return r;
}

KolmogorovSmirnov KsTest(std::vector<double> a, std::vector<double> b) {
  KolmogorovSmirnov r;
  if (a.empty() || b.empty()) return r;
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  size_t i = 0, j = 0;
  double na = static_cast<double>(a.size()), nb = static_cast<double>(b.size());
  while (i < a.size() && j < b.size()) {
    double x = std::min(a[i], b[j]);
    while (i < a.size() && a[i] == x) ++i;
    while (j < b.size() && b[j] == x) ++j;
    r.d = std::max(r.d, std::fabs(static_cast<double>(i) / na - static_cast<double>(j) / nb));
  }
  // Asymptotic Kolmogorov distribution with Stephens' small-sample correction.
  double ne = std::sqrt(na * nb / (na + nb));
  double lambda = (ne + 0.12 + 0.11 / ne) * r.d;
  double sum = 0;
  for (int k = 1; k <= 100; ++k) {
    double term = 2 * ((k % 2) ? 1 : -1) * std::exp(-2 * k * k * lambda * lambda);
    sum += term;
    if (std::fabs(term) < 1e-12) break;
  }
  r.p = std::clamp(sum, 0.0, 1.0);
  if (lambda < 0.2) r.p = 1;
  return r;
}

LogOdds LogOddsDirichlet(double y_a, double n_a, double y_b, double n_b, double alpha_w, double alpha0) {
  LogOdds r;
  double a1 = y_a + alpha_w, a2 = n_a + alpha0 - y_a - alpha_w;
  double b1 = y_b + alpha_w, b2 = n_b + alpha0 - y_b - alpha_w;
  if (a1 <= 0 || a2 <= 0 || b1 <= 0 || b2 <= 0) return r;
  r.delta = std::log(a1 / a2) - std::log(b1 / b2);
  r.variance = 1 / a1 + 1 / b1;
  r.z = r.delta / std::sqrt(r.variance);
  return r;
}

}  // namespace lodestar::analytics
