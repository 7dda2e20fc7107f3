#include "search/matcher.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include <fmt/format.h>

namespace lodestar::search {
namespace {

using core::Status;
using core::StatusCode;

constexpr double kK1 = 1.2;
constexpr double kB = 0.75;
constexpr uint32_t kMaxPrefixExpansions = 50000;

struct Scored {
  uint32_t doc;
  uint32_t wtf;
};

// Union of sorted-by-doc lists with frequencies summed.
void SortMerge(std::vector<Scored>& v) {
  std::sort(v.begin(), v.end(), [](const Scored& a, const Scored& b) { return a.doc < b.doc; });
  size_t w = 0;
  for (size_t i = 0; i < v.size(); ++i) {
    if (w > 0 && v[w - 1].doc == v[i].doc) v[w - 1].wtf += v[i].wtf;
    else v[w++] = v[i];
  }
  v.resize(w);
}

// Term ids of one token in one segment: itself, or every term it prefixes.
std::vector<uint32_t> Expand(const Segment& s, const std::string& token, bool prefix) {
  std::vector<uint32_t> out;
  if (!prefix) {
    if (uint32_t t = s.Find(token); t != UINT32_MAX) out.push_back(t);
    return out;
  }
  auto [b, e] = s.PrefixRange(token);
  for (uint32_t t = b; t < e && out.size() < kMaxPrefixExpansions; ++t) out.push_back(t);
  return out;
}

// Ads of one segment having the term (word, prefix or phrase), with weighted frequencies.
std::vector<Scored> MatchTerm(const Segment& s, const TextTerm& term) {
  std::vector<Scored> out;
  const size_t n = term.tokens.size();
  if (n == 1) {
    const auto ids = Expand(s, term.tokens[0], term.prefix);
    size_t total = 0;
    for (uint32_t t : ids) total += s.doc_freq(t);
    out.reserve(total);
    for (uint32_t t : ids) {
      s.ForEachPosting(t, [&](uint32_t doc, uint32_t wtf) { out.push_back({doc, wtf}); });
    }
    if (ids.size() > 1) SortMerge(out);
    return out;
  }
  // Phrase: ads having every token first, then positions only in those ads.
  std::vector<std::vector<uint32_t>> ids(n);
  for (size_t i = 0; i < n; ++i) {
    ids[i] = Expand(s, term.tokens[i], term.prefix && i + 1 == n);
    if (ids[i].empty()) return out;
  }
  std::vector<uint32_t> cand, next, docs;
  for (size_t i = 0; i < n; ++i) {
    docs.clear();
    for (uint32_t t : ids[i]) s.Docs(t, docs);
    if (ids[i].size() > 1) {
      std::sort(docs.begin(), docs.end());
      docs.erase(std::unique(docs.begin(), docs.end()), docs.end());
    }
    if (i == 0) {
      cand.swap(docs);
    } else {
      next.clear();
      std::set_intersection(cand.begin(), cand.end(), docs.begin(), docs.end(), std::back_inserter(next));
      cand.swap(next);
    }
    if (cand.empty()) return out;
  }
  // Occurrences of token i shifted back by i: a phrase starts where all of them meet.
  std::vector<uint64_t> starts, occ, met;
  for (size_t i = 0; i < n; ++i) {
    occ.clear();
    for (uint32_t t : ids[i]) s.Occurrences(t, &cand, occ);
    if (ids[i].size() > 1) std::sort(occ.begin(), occ.end());
    size_t w = 0;
    for (uint64_t o : occ) {
      if ((o & 0xffffffffu) >= i) occ[w++] = o - i;
    }
    occ.resize(w);
    if (i == 0) {
      starts.swap(occ);
    } else {
      met.clear();
      std::set_intersection(starts.begin(), starts.end(), occ.begin(), occ.end(), std::back_inserter(met));
      starts.swap(met);
    }
    if (starts.empty()) return out;
  }
  for (uint64_t o : starts) {
    auto doc = static_cast<uint32_t>(o >> 32);
    auto pos = static_cast<uint32_t>(o & 0xffffffffu);
    uint32_t w = pos < s.title_tokens(doc) ? kTitleWeight : 1;
    if (!out.empty() && out.back().doc == doc) out.back().wtf += w;
    else out.push_back({doc, w});
  }
  return out;
}

double Idf(double n_docs, double df) {
  double idf = std::log((n_docs - df + 0.5) / (df + 0.5));
  return idf > 1e-6 ? idf : 1e-6;  // as SQLite FTS5 does: very common terms still count a little
}

// Ads of one segment with a fact term of `kind` passing a numeric filter.
std::vector<uint32_t> NumericFilter(const Segment& s, const Filter& f) {
  std::vector<uint32_t> docs;
  const std::string prefix = FactTerm(f.key, "");
  auto [b, e] = s.PrefixRange(prefix);
  size_t lists = 0;
  for (uint32_t t = b; t < e; ++t) {
    std::string_view v = s.term(t).substr(prefix.size());
    double num;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), num);
    if (ec != std::errc()) continue;
    bool ok;
    switch (f.op) {
      case Filter::Op::kLt: ok = num < f.lo; break;
      case Filter::Op::kLe: ok = num <= f.lo; break;
      case Filter::Op::kGt: ok = num > f.lo; break;
      case Filter::Op::kGe: ok = num >= f.lo; break;
      case Filter::Op::kRange: ok = num >= f.lo && num <= f.hi; break;
      default: ok = num == f.lo;
    }
    if (ok) {
      s.Docs(t, docs);
      ++lists;
    }
  }
  if (lists > 1) {
    std::sort(docs.begin(), docs.end());
    docs.erase(std::unique(docs.begin(), docs.end()), docs.end());
  }
  return docs;
}

// Fact kind a term filter reads ("indicator:movement" is a category, "indicator:MOVE-NEW-IN-TOWN" an id).
std::string FactKind(const Filter& f) {
  if (f.key == "indicator" && f.value.find('-') == std::string::npos) return "category";
  return f.key;
}

bool IsPerAdFilter(const Filter& f) {
  return f.key == "after" || f.key == "before" || f.key == "network" || f.key == "template";
}

// Keeps the entries of `cand` (with parallel `score`) whose doc is in sorted `docs`.
void Intersect(std::vector<uint32_t>& cand, std::vector<double>& score, const std::vector<uint32_t>& docs) {
  size_t w = 0, j = 0;
  const bool gallop = docs.size() > 16 * cand.size();
  for (size_t i = 0; i < cand.size(); ++i) {
    if (gallop) {
      j = static_cast<size_t>(std::lower_bound(docs.begin() + static_cast<std::ptrdiff_t>(j), docs.end(), cand[i]) - docs.begin());
    } else {
      while (j < docs.size() && docs[j] < cand[i]) ++j;
    }
    if (j < docs.size() && docs[j] == cand[i]) {
      cand[w] = cand[i];
      score[w++] = score[i];
    }
  }
  cand.resize(w);
  score.resize(w);
}

}  // namespace

std::vector<std::pair<std::string, bool>> HighlightTokens(const Query& q) {
  std::vector<std::pair<std::string, bool>> out;
  for (const auto& c : q.clauses) {
    if (c.negated) continue;
    for (const auto& t : c.any) {
      for (size_t i = 0; i < t.tokens.size(); ++i) out.emplace_back(t.tokens[i], t.prefix && i + 1 == t.tokens.size());
    }
  }
  return out;
}

core::Result<std::vector<Match>> Evaluate(const MatchContext& ctx, const Query& q) {
  std::vector<Match> out;
  uint64_t n_docs = 0, n_tokens = 0;
  for (const Segment* s : ctx.segments) {
    n_docs += s->doc_count();
    n_tokens += s->total_tokens();
  }
  if (n_docs == 0) return out;
  const double avgdl = static_cast<double>(n_tokens) / static_cast<double>(n_docs);

  // Phase 1: per segment, the ads of every alternative of every clause.
  const size_t S = ctx.segments.size();
  std::vector<std::vector<std::vector<std::vector<Scored>>>> lists(S);  // [segment][clause][alternative]
  std::vector<std::vector<double>> df(q.clauses.size());
  for (size_t c = 0; c < q.clauses.size(); ++c) df[c].assign(q.clauses[c].any.size(), 0);
  for (size_t si = 0; si < S; ++si) {
    lists[si].resize(q.clauses.size());
    for (size_t c = 0; c < q.clauses.size(); ++c) {
      for (size_t a = 0; a < q.clauses[c].any.size(); ++a) {
        lists[si][c].push_back(MatchTerm(*ctx.segments[si], q.clauses[c].any[a]));
        df[c][a] += static_cast<double>(lists[si][c].back().size());
      }
    }
  }

  // Phase 2: per segment, score clauses, intersect, filter.
  for (size_t si = 0; si < S; ++si) {
    const Segment& seg = *ctx.segments[si];
    struct Positive {
      std::vector<uint32_t> docs;
      std::vector<double> score;  // empty for filters
    };
    std::vector<Positive> positives;
    std::vector<uint32_t> excluded;
    for (size_t c = 0; c < q.clauses.size(); ++c) {
      auto& alts = lists[si][c];
      if (q.clauses[c].negated) {
        for (const auto& l : alts) {
          for (const auto& x : l) excluded.push_back(x.doc);
        }
        continue;
      }
      Positive p;
      std::vector<double> idfs;
      for (size_t a = 0; a < alts.size(); ++a) idfs.push_back(Idf(static_cast<double>(n_docs), df[c][a]));
      auto score_of = [&](size_t a, const Scored& x) {
        const double tf = x.wtf;
        const double norm = kK1 * (1 - kB + kB * seg.doc_tokens(x.doc) / avgdl);
        return idfs[a] * tf * (kK1 + 1) / (tf + norm);
      };
      if (alts.size() == 1) {
        // The common case: no merge needed, score straight from the postings.
        p.docs.reserve(alts[0].size());
        p.score.reserve(alts[0].size());
        for (const auto& x : alts[0]) {
          p.docs.push_back(x.doc);
          p.score.push_back(score_of(0, x));
        }
      } else {
        std::vector<std::pair<uint32_t, double>> merged;
        for (size_t a = 0; a < alts.size(); ++a) {
          for (const auto& x : alts[a]) merged.emplace_back(x.doc, score_of(a, x));
        }
        std::sort(merged.begin(), merged.end());
        for (const auto& [doc, sc] : merged) {
          if (!p.docs.empty() && p.docs.back() == doc) {
            p.score.back() += sc;
          } else {
            p.docs.push_back(doc);
            p.score.push_back(sc);
          }
        }
      }
      std::vector<std::vector<Scored>>().swap(lists[si][c]);  // free as we go
      positives.push_back(std::move(p));
    }
    std::vector<const Filter*> per_ad;
    for (const auto& f : q.filters) {
      if (IsPerAdFilter(f)) {
        per_ad.push_back(&f);
        continue;
      }
      Positive p;
      if (f.key == "age" || f.key == "price") {
        p.docs = NumericFilter(seg, f);
      } else if (uint32_t t = seg.Find(FactTerm(FactKind(f), f.value)); t != UINT32_MAX) {
        seg.Docs(t, p.docs);
      }
      positives.push_back(std::move(p));
    }
    std::sort(positives.begin(), positives.end(),
              [](const Positive& a, const Positive& b) { return a.docs.size() < b.docs.size(); });
    std::vector<uint32_t> cand;
    std::vector<double> score;
    if (positives.empty()) {
      cand.resize(seg.doc_count());
      for (uint32_t d = 0; d < seg.doc_count(); ++d) cand[d] = d;
      score.assign(cand.size(), 0.0);
    } else {
      cand = std::move(positives[0].docs);
      score = positives[0].score.empty() ? std::vector<double>(cand.size(), 0.0) : std::move(positives[0].score);
    }
    for (size_t i = 1; i < positives.size() && !cand.empty(); ++i) {
      const Positive& p = positives[i];
      if (p.score.empty()) {
        Intersect(cand, score, p.docs);
        continue;
      }
      // Add this clause's score while intersecting.
      size_t w = 0, j = 0;
      for (size_t k = 0; k < cand.size(); ++k) {
        while (j < p.docs.size() && p.docs[j] < cand[k]) ++j;
        if (j < p.docs.size() && p.docs[j] == cand[k]) {
          cand[w] = cand[k];
          score[w++] = score[k] + p.score[j];
        }
      }
      cand.resize(w);
      score.resize(w);
    }
    if (!excluded.empty()) {
      std::sort(excluded.begin(), excluded.end());
      size_t w = 0;
      for (size_t k = 0; k < cand.size(); ++k) {
        if (!std::binary_search(excluded.begin(), excluded.end(), cand[k])) {
          cand[w] = cand[k];
          score[w++] = score[k];
        }
      }
      cand.resize(w);
      score.resize(w);
    }
    for (size_t k = 0; k < cand.size(); ++k) {
      const uint64_t ordinal = seg.first_ordinal() + cand[k];
      bool ok = true;
      for (const Filter* f : per_ad) {
        if (f->key == "after" || f->key == "before") {
          const int64_t t = seg.posted(cand[k]);
          const auto lo = static_cast<int64_t>(f->lo);
          ok = t != 0 && (f->op == Filter::Op::kGe ? t >= lo : t < lo);
        } else {
          const uint32_t g = f->key == "network" ? ctx.network_of(ordinal) : ctx.cluster_of(ordinal);
          ok = g == static_cast<uint32_t>(f->lo);
        }
        if (!ok) break;
      }
      if (ok) out.push_back({ordinal, score[k]});
    }
  }
  return out;
}

}  // namespace lodestar::search
