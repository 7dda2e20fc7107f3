// Statistics used by the analytics, written from their textbook definitions
// (no external numeric library). Each function is deterministic and total:
// out-of-domain arguments give NaN or the nearest limit, never a crash.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace lodestar::analytics {

// Regularised incomplete beta I_x(a, b) (continued fraction, Lentz's method).
double RegIncBeta(double a, double b, double x);
// Inverse of RegIncBeta in x (bisection to 1e-12).
double InvRegIncBeta(double a, double b, double p);

// P(X >= k) for X ~ Binomial(n, p): the exact one-sided upper tail.
double BinomialUpperTail(uint64_t k, uint64_t n, double p);

// Clopper-Pearson (exact) two-sided interval for a binomial proportion k/n.
struct Interval {
  double lo = 0, hi = 0;
};
Interval ClopperPearson(uint64_t k, uint64_t n, double confidence = 0.95);

// Benjamini-Hochberg adjusted p-values (q-values), same order as `p`.
std::vector<double> BenjaminiHochberg(const std::vector<double>& p);

// Upper tail of the standard normal.
double NormalSf(double z);

// Mann-Whitney U test (two-sided), normal approximation with tie and continuity corrections.
struct MannWhitney {
  double u = 0;  // U of the first sample
  double z = 0;  // > 0 when the first sample tends to be larger
  double p = 1;
  double effect = 0;  // common-language effect size: P(a > b) + P(a == b) / 2
};
MannWhitney MannWhitneyU(const std::vector<double>& a, const std::vector<double>& b);

// Two-sample Kolmogorov-Smirnov statistic D and its asymptotic p-value.
struct KolmogorovSmirnov {
  double d = 0;
  double p = 1;
};
KolmogorovSmirnov KsTest(std::vector<double> a, std::vector<double> b);

// Log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008, eq. 16-22):
// delta_w = log((y_a+α_w)/(n_a+α0-y_a-α_w)) - log((y_b+α_w)/(n_b+α0-y_b-α_w)),
// var ≈ 1/(y_a+α_w) + 1/(y_b+α_w), z = delta / sqrt(var), with α_w = α0 * background share of w.
struct LogOdds {
  double delta = 0, variance = 0, z = 0;
};
LogOdds LogOddsDirichlet(double y_a, double n_a, double y_b, double n_b, double alpha_w, double alpha0);

}  // namespace lodestar::analytics
