// Interval estimates and exact tests for proportions.
//
// All functions are pure and deterministic. `level` is the two-sided confidence
// level (0.95 = 95%). Counts must satisfy 0 <= x <= n; n == 0 gives the
// uninformative interval [0, 1] (we know nothing), never NaN.
#pragma once

#include <cstdint>

namespace lodestar::stats {

struct Interval {
  double lo = 0, hi = 0;
};

// Standard normal quantile (inverse CDF) for 0 < p < 1.
double NormalQuantile(double p);
// Standard normal upper-tail probability P(Z > z).
double NormalUpperTail(double z);

// Wilson score interval for a binomial proportion x/n.
Interval WilsonInterval(int64_t x, int64_t n, double level = 0.95);

// Clopper–Pearson ("exact") interval for x/n: guaranteed coverage >= level, conservative.
Interval ClopperPearsonInterval(int64_t x, int64_t n, double level = 0.95);

// Newcombe's hybrid score interval (his method 10, 1998) for p1 - p2 = x1/n1 - x2/n2,
// built from the two Wilson intervals. Returns [-1, 1] when either n is 0.
Interval NewcombeDifferenceInterval(int64_t x1, int64_t n1, int64_t x2, int64_t n2, double level = 0.95);

// Fisher's exact test for the 2x2 table [[a, b], [c, d]], two-sided: the sum of the
// probabilities of all tables with the same margins that are no more likely than the
// observed one (relative tolerance 1e-7, as R and SciPy use).
double FisherExactTwoSided(int64_t a, int64_t b, int64_t c, int64_t d);

// Exact binomial test of H0: p = p0, two-sided by the same "no more likely" rule.
double BinomialTestTwoSided(int64_t x, int64_t n, double p0);

// Regularized incomplete beta I_x(a, b), for a, b > 0 and 0 <= x <= 1.
double RegularizedIncompleteBeta(double a, double b, double x);

}  // namespace lodestar::stats
