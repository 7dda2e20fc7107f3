#include "search/matcher.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <deque>
#include <limits>
#include <list>
#include <memory>
#include <mutex>
#include <string_view>
#include <unordered_map>

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

// A phrase whose tokens are one term each (no prefix expansion), ad at a time:
// the rarest token leads, the others seek to its ad, and only ads having every
// token have their positions read. `ids[i]` is token i's term; `by_df` the
// token order, rarest first. Appends (ad, weighted phrase count) in ad order.
void MatchPhrase(const Segment& s, const std::vector<std::vector<uint32_t>>& ids, const std::vector<size_t>& by_df,
                 std::vector<Scored>& out) {
  const size_t n = ids.size();
  std::vector<Segment::Cursor> cur(n);  // in by_df order
  for (size_t k = 0; k < n; ++k) cur[k] = s.Postings(ids[by_df[k]][0]);
  // Sized for the worst case and trimmed at the end: push_back costs a
  // measurable share of a broad phrase.
  out.resize(s.doc_freq(ids[by_df[0]][0]));
  size_t found = 0;
  std::vector<uint32_t> starts;  // where the phrase may start in the current ad: [0, n_starts)
  Segment::Cursor& lead = cur[0];
  while (!lead.done()) {
    const uint32_t d = lead.doc();
    uint32_t ahead = d;  // the first ad a lagging token could still share
    for (size_t k = 1; k < n && ahead == d; ++k) {
      if (!cur[k].SeekTo(d)) break;
      ahead = cur[k].doc();
    }
    if (ahead != d) {
      if (!lead.SeekTo(ahead)) break;
      continue;
    }
    if (std::any_of(cur.begin() + 1, cur.end(), [](const Segment::Cursor& c) { return c.done(); })) break;
    // Token i at position p starts a phrase at p - i.
    if (starts.size() < lead.positions_bytes()) starts.resize(lead.positions_bytes());
    size_t n_starts = 0;
    uint32_t p;
    const auto lead_shift = static_cast<uint32_t>(by_df[0]);
    for (auto r = lead.Positions(); r.Next(p);) {
      if (p >= lead_shift) starts[n_starts++] = p - lead_shift;
    }
    for (size_t k = 1; k < n && n_starts > 0; ++k) {
      // Keep the starts that token k confirms (both lists ascending).
      const auto shift = static_cast<uint32_t>(by_df[k]);
      auto r = cur[k].Positions();
      bool more = r.Next(p);
      size_t w = 0;
      for (size_t j = 0; j < n_starts && more; ++j) {
        const uint32_t want = starts[j] + shift;
        while (more && p < want) more = r.Next(p);
        if (more && p == want) starts[w++] = starts[j];
      }
      n_starts = w;
    }
    if (n_starts > 0 && found < out.size()) {
      uint32_t w = 0;
      const uint32_t title = s.title_tokens(d);
      for (size_t j = 0; j < n_starts; ++j) w += starts[j] < title ? kTitleWeight : 1;
      out[found++] = {d, w};
    }
    lead.Next();
  }
  out.resize(found);
}

// Ads of one segment having the term (word, prefix or phrase), with weighted
// frequencies. `counter` is scratch space kept across queries.
std::vector<Scored> MatchTerm(const Segment& s, const TextTerm& term, std::vector<uint32_t>& counter) {
  std::vector<Scored> out;
  const size_t n = term.tokens.size();
  if (n == 1) {
    const auto ids = Expand(s, term.tokens[0], term.prefix);
    size_t total = 0;
    for (uint32_t t : ids) total += s.doc_freq(t);
    if (ids.size() > 1 && total > s.doc_count() / 16) {
      // A broad prefix: summing into one counter per ad beats sorting the concatenated postings.
      std::vector<uint32_t>& acc = counter;
      acc.assign(s.doc_count(), 0);
      for (uint32_t t : ids) s.ForEachPosting(t, [&](uint32_t doc, uint32_t wtf) { acc[doc] += wtf; });
      out.reserve(std::min<size_t>(total, s.doc_count()));
      for (uint32_t d = 0; d < acc.size(); ++d) {
        if (acc[d]) out.push_back({d, acc[d]});
      }
      return out;
    }
    out.reserve(total);
    for (uint32_t t : ids) {
      s.ForEachPosting(t, [&](uint32_t doc, uint32_t wtf) { out.push_back({doc, wtf}); });
    }
    if (ids.size() > 1) SortMerge(out);
    return out;
  }
  // Phrase: tokens rarest first, each read once: its occurrences (shifted back
  // by its place in the phrase) in the ads every rarer token had; a phrase
  // starts where the occurrences of all tokens meet.
  std::vector<std::vector<uint32_t>> ids(n);
  std::vector<uint64_t> df_of(n, 0);
  std::vector<size_t> by_df(n);
  for (size_t i = 0; i < n; ++i) {
    ids[i] = Expand(s, term.tokens[i], term.prefix && i + 1 == n);
    if (ids[i].empty()) return out;
    for (uint32_t t : ids[i]) df_of[i] += s.doc_freq(t);
    by_df[i] = i;
  }
  std::sort(by_df.begin(), by_df.end(), [&](size_t a, size_t b) { return df_of[a] < df_of[b]; });
  if (std::all_of(ids.begin(), ids.end(), [](const auto& v) { return v.size() == 1; })) {
    MatchPhrase(s, ids, by_df, out);
    return out;
  }
  std::vector<uint32_t> cand;
  std::vector<uint64_t> starts, occ, met;
  for (size_t k = 0; k < n; ++k) {
    const size_t i = by_df[k];
    occ.clear();
    for (uint32_t t : ids[i]) s.Occurrences(t, k == 0 ? nullptr : &cand, occ);
    if (ids[i].size() > 1) std::sort(occ.begin(), occ.end());
    cand.clear();
    size_t w = 0;
    for (uint64_t o : occ) {
      const auto doc = static_cast<uint32_t>(o >> 32);
      if (cand.empty() || cand.back() != doc) cand.push_back(doc);
      if ((o & 0xffffffffu) >= i) occ[w++] = o - i;
    }
    occ.resize(w);
    if (k == 0) {
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

// Smaller lists are cheap to match again and not worth the cache's memory.
constexpr size_t kMinCachedMatches = 1024;

using MatchList = std::shared_ptr<const std::vector<Scored>>;

// MatchTerm, through the context's cache when it has one.
MatchList MatchTermCached(const MatchContext& ctx, const Segment& s, const TextTerm& term,
                          std::vector<uint32_t>& counter) {
  std::string key;
  if (ctx.cache) {
    key = fmt::format("{}:{}:{}:", s.first_ordinal(), s.doc_count(), term.prefix ? 'p' : 'w');
    for (const auto& t : term.tokens) {
      key += t;
      key += '\x1f';  // never inside a token
    }
    if (auto hit = ctx.cache->Find(key)) return std::static_pointer_cast<const std::vector<Scored>>(hit);
  }
  auto list = std::make_shared<const std::vector<Scored>>(MatchTerm(s, term, counter));
  if (ctx.cache && list->size() >= kMinCachedMatches) {
    ctx.cache->Put(key, list, list->capacity() * sizeof(Scored) + 2 * key.size() + 128);
  }
  return list;
}

double Idf(double n_docs, double df) {
  double idf = std::log((n_docs - df + 0.5) / (df + 0.5));
  return idf > 1e-6 ? idf : 1e-6;  // as SQLite FTS5 does: very common terms still count a little
}

// The fact terms of a numeric filter's kind in one segment ([begin, begin + pass.size())) and which pass it.
struct NumericTerms {
  uint32_t begin = 0;
  std::vector<char> pass;
  uint64_t ads = 0;  // sum of their document frequencies (ads with two passing values count twice)
  bool Passes(uint32_t t) const { return t >= begin && t - begin < pass.size() && pass[t - begin]; }
};

NumericTerms NumericFilterTerms(const Segment& s, const Filter& f) {
  NumericTerms out;
  const std::string prefix = FactTerm(f.key, "");
  auto [b, e] = s.PrefixRange(prefix);
  out.begin = b;
  out.pass.assign(e - b, 0);
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
      out.pass[t - b] = 1;
      out.ads += s.doc_freq(t);
    }
  }
  return out;
}

// Ads of one segment with a passing term, ascending.
std::vector<uint32_t> NumericFilterDocs(const Segment& s, const NumericTerms& terms) {
  std::vector<uint32_t> docs;
  size_t lists = 0;
  for (size_t i = 0; i < terms.pass.size(); ++i) {
    if (!terms.pass[i]) continue;
    s.Docs(terms.begin + static_cast<uint32_t>(i), docs);
    ++lists;
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

namespace {

// One clause's ads in one segment, ascending, with their BM25 scores (empty for filters).
struct Postings {
  std::vector<uint32_t> docs;
  std::vector<double> score;
};

// Adds `b` into `a` (both ascending): the union, with scores of ads in both
// summed. `out` is scratch space (swapped with `a`).
void MergeInto(Postings& a, const Postings& b, Postings& out) {
  out.docs.clear();
  out.score.clear();
  out.docs.reserve(a.docs.size() + b.docs.size());
  out.score.reserve(a.docs.size() + b.docs.size());
  size_t i = 0, j = 0;
  while (i < a.docs.size() || j < b.docs.size()) {
    if (j == b.docs.size() || (i < a.docs.size() && a.docs[i] < b.docs[j])) {
      out.docs.push_back(a.docs[i]);
      out.score.push_back(a.score[i++]);
    } else if (i == a.docs.size() || b.docs[j] < a.docs[i]) {
      out.docs.push_back(b.docs[j]);
      out.score.push_back(b.score[j++]);
    } else {
      out.docs.push_back(a.docs[i]);
      out.score.push_back(a.score[i++] + b.score[j++]);
    }
  }
  std::swap(a, out);
}

// Buffers of one evaluation: `slots[0, used)` are this segment's
// positive clauses and filters.
struct Scratch {
  Postings alt, merged, cand;
  std::deque<Postings> slots;  // a deque: Next() must not move the lists handed out before
  size_t used = 0;
  std::vector<uint32_t> excluded;
  std::vector<uint32_t> counter;  // per ad of a segment: a broad prefix's summed frequencies
  Postings& Next() {
    if (used == slots.size()) slots.emplace_back();
    Postings& p = slots[used++];
    p.docs.clear();
    p.score.clear();
    return p;
  }
};

// Borrows a Scratch from a small shared pool and returns it after the query. A
// pool, not one per thread, because the server runs many more threads than
// queries run at once, and a set of buffers can hold tens of MB at 10^6 ads.
class ScratchLease {
 public:
  ScratchLease() {
    std::lock_guard lock(mu_);
    if (!pool_.empty()) {
      scratch_ = std::move(pool_.back());
      pool_.pop_back();
    } else {
      scratch_ = std::make_unique<Scratch>();
    }
  }
  ~ScratchLease() {
    std::lock_guard lock(mu_);
    if (pool_.size() < kKept) pool_.push_back(std::move(scratch_));
  }
  ScratchLease(const ScratchLease&) = delete;
  ScratchLease& operator=(const ScratchLease&) = delete;
  Scratch& operator*() { return *scratch_; }

 private:
  static constexpr size_t kKept = 4;
  static inline std::mutex mu_;
  static inline std::vector<std::unique_ptr<Scratch>> pool_;
  std::unique_ptr<Scratch> scratch_;
};

// Keeps the ads of `p` that are also in ascending `docs`, adding `add` scores when given.
void IntersectWith(Postings& p, const std::vector<uint32_t>& docs, const std::vector<double>* add) {
  size_t w = 0, j = 0;
  const bool gallop = docs.size() > 16 * p.docs.size();
  for (size_t i = 0; i < p.docs.size(); ++i) {
    if (gallop) {
      j = static_cast<size_t>(std::lower_bound(docs.begin() + static_cast<std::ptrdiff_t>(j), docs.end(), p.docs[i]) -
                              docs.begin());
    } else {
      while (j < docs.size() && docs[j] < p.docs[i]) ++j;
    }
    if (j < docs.size() && docs[j] == p.docs[i]) {
      p.docs[w] = p.docs[i];
      p.score[w++] = p.score[i] + (add ? (*add)[j] : 0.0);
    }
  }
  p.docs.resize(w);
  p.score.resize(w);
}

// Removes from `p` the ads in ascending `docs`.
void Subtract(Postings& p, const std::vector<uint32_t>& docs) {
  size_t w = 0, j = 0;
  for (size_t i = 0; i < p.docs.size(); ++i) {
    while (j < docs.size() && docs[j] < p.docs[i]) ++j;
    if (j < docs.size() && docs[j] == p.docs[i]) continue;
    p.docs[w] = p.docs[i];
    p.score[w++] = p.score[i];
  }
  p.docs.resize(w);
  p.score.resize(w);
}

// A single word is read straight from its postings in phase 2 (its document
// frequency is in the dictionary); phrases and prefixes are matched in phase 1,
// because their document frequency is only known once matched.
bool IsPlainWord(const TextTerm& t) { return t.tokens.size() == 1 && !t.prefix; }

// A sink that keeps only the best scores may offer `double floor() const`: a
// score at or below it cannot be kept (-infinity while nothing is), so an ad
// whose score bound is below it is only counted, through `sink.Count()`.
template <class Sink>
concept HasFloor = requires(const Sink& s) { s.floor(); };

// Calls sink(segment, local ad, score) for every ad matching `q`, in ordinal order.
template <class Sink>
core::Status ForEachMatch(const MatchContext& ctx, const Query& q, Sink&& sink) {
  uint64_t n_docs = 0, n_tokens = 0;
  for (const Segment* s : ctx.segments) {
    n_docs += s->doc_count();
    n_tokens += s->total_tokens();
  }
  if (n_docs == 0) return Status::Ok();
  const double avgdl = static_cast<double>(n_tokens) / static_cast<double>(n_docs);

  // Buffers live across queries: broad clauses fill millions of entries, and
  // fresh allocations of that size cost page faults on every query.
  ScratchLease lease;
  Scratch& scratch = *lease;

  // Phase 1: document frequencies of every alternative of every clause over all segments.
  const size_t S = ctx.segments.size(), C = q.clauses.size();
  // [segment][clause][alternative]: the matches of phrases and prefixes (null for plain words)
  std::vector<std::vector<std::vector<MatchList>>> matched(S);
  std::vector<std::vector<double>> df(C);
  for (size_t c = 0; c < C; ++c) df[c].assign(q.clauses[c].any.size(), 0);
  for (size_t si = 0; si < S; ++si) {
    const Segment& seg = *ctx.segments[si];
    matched[si].resize(C);
    for (size_t c = 0; c < C; ++c) {
      for (size_t a = 0; a < q.clauses[c].any.size(); ++a) {
        const TextTerm& term = q.clauses[c].any[a];
        if (IsPlainWord(term)) {
          matched[si][c].emplace_back();
          if (uint32_t t = seg.Find(term.tokens[0]); t != UINT32_MAX) df[c][a] += seg.doc_freq(t);
        } else {
          matched[si][c].push_back(MatchTermCached(ctx, seg, term, scratch.counter));
          df[c][a] += static_cast<double>(matched[si][c].back()->size());
        }
      }
    }
  }
  std::vector<std::vector<double>> idf(C);
  for (size_t c = 0; c < C; ++c) {
    for (double d : df[c]) idf[c].push_back(Idf(static_cast<double>(n_docs), d));
  }

  // Phase 2: per segment, each clause's ads with scores, intersected smallest first.
  std::vector<const Filter*> per_ad;
  bool set_filters = false;
  for (const auto& f : q.filters) {
    if (IsPerAdFilter(f)) per_ad.push_back(&f);
    else set_filters = true;
  }
  auto passes_per_ad = [&](const Segment& seg, uint32_t d) {
    for (const Filter* f : per_ad) {
      bool ok;
      if (f->key == "after" || f->key == "before") {
        const int64_t t = seg.posted(d);
        const auto lo = static_cast<int64_t>(f->lo);
        ok = t != 0 && (f->op == Filter::Op::kGe ? t >= lo : t < lo);
      } else {
        const uint64_t ordinal = seg.first_ordinal() + d;
        const uint32_t g = f->key == "network" ? ctx.network_of(ordinal) : ctx.cluster_of(ordinal);
        ok = g == static_cast<uint32_t>(f->lo);
      }
      if (!ok) return false;
    }
    return true;
  };
  // BM25 = idf * tf * (k1 + 1) / (tf + norm(ad length)); one division per posting.
  const double norm_base = kK1 * (1 - kB), norm_per_token = kK1 * kB / avgdl;
  auto norm = [&](const Segment& seg, uint32_t doc) { return norm_base + norm_per_token * seg.doc_tokens(doc); };
  auto bm25 = [&](const Segment& seg, double idf_value, uint32_t doc, uint32_t wtf) {
    const double tf = wtf;
    return idf_value * tf * (kK1 + 1) / (tf + norm(seg, doc));
  };
  // One word, prefix or phrase (the commonest queries) streams to the sink.
  if (C == 1 && !q.clauses[0].negated && q.clauses[0].any.size() == 1 && !set_filters) {
    const double scale = idf[0][0] * (kK1 + 1);
    for (size_t si = 0; si < S; ++si) {
      const Segment& seg = *ctx.segments[si];
      auto emit = [&](uint32_t doc, uint32_t wtf) {
        if (!passes_per_ad(seg, doc)) return;
        if constexpr (HasFloor<std::remove_cvref_t<Sink>>) {
          // score <= floor  <=>  scale * tf <= floor * (tf + norm): no division for
          // the many ads that cannot enter the best k. The margin leaves exact
          // ties to the comparison on the computed score.
          const double tf = wtf, bound = sink.floor() * (tf + norm(seg, doc));
          if (scale * tf < bound - 1e-9 * std::abs(bound)) return sink.Count();
        }
        sink(seg, doc, bm25(seg, idf[0][0], doc, wtf));
      };
      if (IsPlainWord(q.clauses[0].any[0])) {
        if (uint32_t t = seg.Find(q.clauses[0].any[0].tokens[0]); t != UINT32_MAX) seg.ForEachPosting(t, emit);
      } else {
        for (const Scored& x : *matched[si][0][0]) emit(x.doc, x.wtf);
      }
    }
    return Status::Ok();
  }
  Postings& alt = scratch.alt;
  std::vector<uint32_t>& excluded = scratch.excluded;
  for (size_t si = 0; si < S; ++si) {
    const Segment& seg = *ctx.segments[si];
    scratch.used = 0;
    excluded.clear();
    size_t excluded_lists = 0;
    // A positive clause or filter: a list built here, or one term read only when
    // intersected (a plain word, or a fact term), smallest first.
    struct Positive {
      Postings* list = nullptr;
      uint32_t term = UINT32_MAX;
      double idf = -1;  // < 0: a filter, no score
      size_t size = 0;
      // A numeric filter (age, price): materialised only if it is the smallest;
      // otherwise checked on each remaining candidate's facts, which is cheaper
      // than listing every ad aged under 25.
      std::shared_ptr<NumericTerms> numeric;
    };
    std::vector<Positive> positives;
    bool none = false;  // some positive has no ads in this segment
    for (size_t c = 0; c < C && !none; ++c) {
      const Clause& clause = q.clauses[c];
      if (!clause.negated && clause.any.size() == 1 && IsPlainWord(clause.any[0])) {
        const uint32_t t = seg.Find(clause.any[0].tokens[0]);
        none = t == UINT32_MAX;
        if (!none) positives.push_back({nullptr, t, idf[c][0], seg.doc_freq(t), nullptr});
        continue;
      }
      Postings* p = clause.negated ? nullptr : &scratch.Next();
      for (size_t a = 0; a < clause.any.size(); ++a) {
        auto add = [&](uint32_t doc, uint32_t wtf) {
          if (clause.negated) {
            excluded.push_back(doc);
            return;
          }
          alt.docs.push_back(doc);
          alt.score.push_back(bm25(seg, idf[c][a], doc, wtf));
        };
        alt.docs.clear();
        alt.score.clear();
        if (IsPlainWord(clause.any[a])) {
          if (uint32_t t = seg.Find(clause.any[a].tokens[0]); t != UINT32_MAX) seg.ForEachPosting(t, add);
        } else {
          for (const Scored& x : *matched[si][c][a]) add(x.doc, x.wtf);
          matched[si][c][a].reset();  // free as we go (unless the cache keeps it)
        }
        if (clause.negated) {
          ++excluded_lists;
        } else if (a == 0) {
          std::swap(*p, alt);
        } else {
          MergeInto(*p, alt, scratch.merged);
        }
      }
      if (p) positives.push_back({p, UINT32_MAX, 0, p->docs.size(), nullptr});
    }
    for (const auto& f : q.filters) {
      if (none) break;
      if (IsPerAdFilter(f)) continue;
      if (f.key == "age" || f.key == "price") {
        auto terms = std::make_shared<NumericTerms>(NumericFilterTerms(seg, f));
        none = terms->ads == 0;
        positives.push_back({nullptr, UINT32_MAX, -1, terms->ads, std::move(terms)});
      } else {
        const uint32_t t = seg.Find(FactTerm(FactKind(f), f.value));
        none = t == UINT32_MAX;
        if (!none) positives.push_back({nullptr, t, -1, seg.doc_freq(t), nullptr});
      }
    }
    if (none) {
      for (size_t c = 0; c < C; ++c) {
        for (auto& m : matched[si][c]) m.reset();
      }
      continue;
    }
    std::sort(positives.begin(), positives.end(), [](const Positive& a, const Positive& b) { return a.size < b.size; });
    Postings& cand = scratch.cand;
    cand.docs.clear();
    cand.score.clear();
    if (positives.empty()) {
      cand.docs.resize(seg.doc_count());
      for (uint32_t d = 0; d < seg.doc_count(); ++d) cand.docs[d] = d;
    } else if (positives[0].list) {
      std::swap(cand, *positives[0].list);
    } else if (positives[0].numeric) {
      cand.docs = NumericFilterDocs(seg, *positives[0].numeric);
    } else {
      const Positive& first = positives[0];
      seg.ForEachPosting(first.term, [&](uint32_t doc, uint32_t wtf) {
        cand.docs.push_back(doc);
        cand.score.push_back(first.idf < 0 ? 0.0 : bm25(seg, first.idf, doc, wtf));
      });
    }
    if (cand.score.size() != cand.docs.size()) cand.score.assign(cand.docs.size(), 0.0);  // a filter came first
    for (size_t i = 1; i < positives.size() && !cand.docs.empty(); ++i) {
      const Positive& p = positives[i];
      if (p.list) {
        IntersectWith(cand, p.list->docs, p.list->score.empty() ? nullptr : &p.list->score);
        continue;
      }
      if (p.numeric) {
        size_t w = 0;
        for (size_t j = 0; j < cand.docs.size(); ++j) {
          bool pass = false;
          seg.ForEachFact(cand.docs[j], [&](uint32_t term, std::string_view) { pass = pass || p.numeric->Passes(term); });
          if (!pass) continue;
          cand.docs[w] = cand.docs[j];
          cand.score[w++] = cand.score[j];
        }
        cand.docs.resize(w);
        cand.score.resize(w);
        continue;
      }
      // Walk the term's postings beside the candidates, scoring only the ads kept.
      size_t w = 0, j = 0;
      seg.ForEachPosting(p.term, [&](uint32_t doc, uint32_t wtf) {
        while (j < cand.docs.size() && cand.docs[j] < doc) ++j;
        if (j < cand.docs.size() && cand.docs[j] == doc) {
          cand.docs[w] = doc;
          cand.score[w++] = cand.score[j++] + (p.idf < 0 ? 0.0 : bm25(seg, p.idf, doc, wtf));
        }
        return j < cand.docs.size();
      });
      cand.docs.resize(w);
      cand.score.resize(w);
    }
    if (!excluded.empty() && !cand.docs.empty()) {
      if (excluded_lists > 1) {
        std::sort(excluded.begin(), excluded.end());
        excluded.erase(std::unique(excluded.begin(), excluded.end()), excluded.end());
      }
      Subtract(cand, excluded);
    }
    for (size_t k = 0; k < cand.docs.size(); ++k) {
      if (!passes_per_ad(seg, cand.docs[k])) continue;
      if constexpr (HasFloor<std::remove_cvref_t<Sink>>) {
        if (cand.score[k] < sink.floor()) {  // cannot enter the best k (ties go to the sink)
          sink.Count();
          continue;
        }
      }
      sink(seg, cand.docs[k], cand.score[k]);
    }
  }
  return Status::Ok();
}

}  // namespace

core::Result<std::vector<Match>> Evaluate(const MatchContext& ctx, const Query& q) {
  std::vector<Match> out;
  auto st = ForEachMatch(ctx, q, [&](const Segment& seg, uint32_t d, double score) {
    out.push_back({seg.first_ordinal() + d, score});
  });
  if (!st.ok()) return st;
  return out;
}

core::Result<TopMatches> EvaluateTop(const MatchContext& ctx, const Query& q, size_t k, MatchOrder order) {
  // A heap ordered by `better` keeps the worst of the best k on top; ads arrive
  // in ordinal order, so one tying the worst kept loses (ties go to the lower ordinal).
  struct Entry {
    Match m;
    int64_t posted;
  };
  struct Better {
    MatchOrder order;
    bool operator()(const Entry& a, const Entry& b) const {
      if (order == MatchOrder::kScore) {
        if (a.m.score != b.m.score) return a.m.score > b.m.score;
      } else if (a.posted != b.posted) {
        return a.posted > b.posted;
      }
      return a.m.ordinal < b.m.ordinal;
    }
  };
  struct Best {
    size_t k;
    Better better;
    TopMatches& out;
    std::vector<Entry> heap;
    void Count() { ++out.total; }
    // Scores at or below the worst kept cannot enter a full heap.
    double floor() const {
      return better.order == MatchOrder::kScore && k > 0 && heap.size() == k ? heap.front().m.score
                                                                             : -std::numeric_limits<double>::infinity();
    }
    void operator()(const Segment& seg, uint32_t d, double score) {
      ++out.total;
      if (k == 0) return;
      Entry e{{seg.first_ordinal() + d, score}, better.order == MatchOrder::kPosted ? seg.posted(d) : 0};
      if (heap.size() < k) {
        heap.push_back(e);
        std::push_heap(heap.begin(), heap.end(), better);
      } else if (better(e, heap.front())) {
        std::pop_heap(heap.begin(), heap.end(), better);
        heap.back() = e;
        std::push_heap(heap.begin(), heap.end(), better);
      }
    }
  };
  TopMatches out;
  Best best{k, Better{order}, out, {}};
  best.heap.reserve(k);
  auto st = ForEachMatch(ctx, q, best);
  if (!st.ok()) return st;
  std::sort(best.heap.begin(), best.heap.end(), best.better);
  for (const auto& e : best.heap) out.best.push_back(e.m);
  return out;
}

struct MatchCache::Impl {
  struct Entry {
    std::string key;
    std::shared_ptr<const void> value;
    size_t bytes;
  };
  size_t max_bytes;
  mutable std::mutex mu;
  std::list<Entry> lru;  // most recently used first
  std::unordered_map<std::string_view, std::list<Entry>::iterator> by_key;  // views of the entries' keys
  Stats stats;
};

MatchCache::MatchCache(size_t max_bytes) : impl_(std::make_unique<Impl>()) { impl_->max_bytes = max_bytes; }
MatchCache::~MatchCache() = default;

MatchCache::Stats MatchCache::stats() const {
  std::lock_guard lock(impl_->mu);
  return impl_->stats;
}

std::shared_ptr<const void> MatchCache::Find(const std::string& key) {
  Impl& m = *impl_;
  std::lock_guard lock(m.mu);
  auto it = m.by_key.find(key);
  if (it == m.by_key.end()) {
    ++m.stats.misses;
    return nullptr;
  }
  ++m.stats.hits;
  m.lru.splice(m.lru.begin(), m.lru, it->second);
  return it->second->value;
}

void MatchCache::Put(const std::string& key, std::shared_ptr<const void> value, size_t bytes) {
  Impl& m = *impl_;
  if (bytes > m.max_bytes) return;
  std::lock_guard lock(m.mu);
  if (m.by_key.count(key)) return;  // another query kept it meanwhile
  m.lru.push_front({key, std::move(value), bytes});
  m.by_key.emplace(m.lru.front().key, m.lru.begin());
  m.stats.bytes += bytes;
  ++m.stats.entries;
  while (m.stats.bytes > m.max_bytes) {
    const Impl::Entry& last = m.lru.back();
    m.stats.bytes -= last.bytes;
    --m.stats.entries;
    m.by_key.erase(last.key);
    m.lru.pop_back();
  }
}

}  // namespace lodestar::search
