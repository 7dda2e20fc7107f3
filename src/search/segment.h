// One immutable segment of the search index: the ads of one ordinal range,
// written once by SegmentWriter and read through a memory map by Segment.
//
// What a segment holds (layout in docs/search.md, "Index files"):
//   - a sorted term dictionary; text terms are index tokens (search/tokenizer.h),
//     fact terms are "\x01kind:value" (phone, email, handle, payment, city, state,
//     site, age, price, indicator, category, commercial), so filters are posting
//     lookups like words;
//   - per term, postings in ad order: delta-coded local ad numbers and the
//     weighted term frequency (3 x title + body); in a separate section, per
//     posting, the token positions (title first, then body after a gap, so no
//     phrase spans both), so word queries never read positions;
//   - per ad: token count, title token count, posted time, display id, primary
//     site/city/state, its facts (term + evidence span) for evidence and facets;
//   - the title and body, zstd-compressed in small blocks, for snippets and
//     term statistics without reopening the store.
// Integers are little-endian; variable-length integers are LEB128.
// Thread-safety: a Segment is immutable after Open; any number of threads may read it.
#pragma once

#include <cstdint>
#include <algorithm>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "core/status.h"
#include "search/tokenizer.h"

namespace lodestar::search {

inline constexpr char kFactTermMark = '\x01';
inline constexpr uint32_t kTitleWeight = 3;  // a title occurrence counts as three body ones (as FTS5 bm25(3,1) did)

// Ads per compressed text block: a snippet decompresses one block.
inline constexpr uint32_t kDocsPerTextBlock = 8;

// "\x01phone:+15035550123"
std::string FactTerm(std::string_view kind, std::string_view value);

// What the writer needs of one ad.
struct SegmentDoc {
  std::string id, site, city, state;  // display id; primary place and site, lower case
  int64_t posted = 0;
  std::string title, body;
  struct Fact {
    std::string kind, value, span;  // span: "body:120-134", or "location" for the stated location
  };
  std::vector<Fact> facts;
};

// Builds a segment in memory. Add() is not thread-safe; Prepare() and Seal()
// are and do the expensive parts (tokenising, inverting, compressing), so
// callers run them in parallel on batches and add the batches in order.
class SegmentWriter {
 public:
  // One ad ready to add: its distinct terms in order, each with its encoded
  // posting tail (weighted frequency, positions).
  struct Prepared {
    SegmentDoc doc;
    uint32_t title_tokens = 0, body_tokens = 0;
    std::string terms;  // distinct text terms, back to back
    std::vector<uint32_t> term_ends;
    std::vector<uint32_t> wtf;  // per term: weighted frequency
    std::string encoded;        // per term: varint byte length, delta positions
    std::vector<uint32_t> encoded_ends;
  };
  struct Sealed;  // a batch inverted (term -> its postings in the batch) and its texts compressed
  // Consecutive ads, added together. Reusable: Prepare() and Seal() overwrite
  // what an earlier batch left, keeping the memory.
  struct Batch {
    Batch();
    ~Batch();
    Batch(Batch&&) noexcept;
    Batch& operator=(Batch&&) noexcept;
    std::vector<Prepared> docs;
    size_t size = 0;  // docs[0, size) are this batch's ads
    std::unique_ptr<Sealed> sealed;
  };
  static void Prepare(SegmentDoc doc, Prepared& out);
  // After Prepare() of docs[0, size): groups the batch's postings by term, so
  // Add() looks each term up once per batch rather than once per ad, and
  // compresses the texts in blocks of kDocsPerTextBlock starting at docs[0].
  static void Seal(Batch& batch);

  explicit SegmentWriter(uint64_t first_ordinal);
  ~SegmentWriter();
  // Appends a sealed batch's ads. Its compressed text blocks are used when the
  // segment's ad count is a multiple of kDocsPerTextBlock before the call
  // (every batch but the last holds a multiple of it); otherwise the texts are
  // compressed again here.
  void Add(Batch& batch);
  uint32_t doc_count() const;
  // Writes the segment to `path` (via a temporary file, fsynced, renamed).
  core::Status Write(const std::string& path);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

class Segment {
 public:
  static core::Result<std::unique_ptr<Segment>> Open(const std::string& path);
  ~Segment();
  Segment(const Segment&) = delete;
  Segment& operator=(const Segment&) = delete;

  uint64_t first_ordinal() const { return first_; }
  uint32_t doc_count() const { return docs_; }
  uint64_t total_tokens() const { return total_tokens_; }
  uint32_t term_count() const { return terms_; }
  std::string_view term(uint32_t t) const;
  // Term id, or UINT32_MAX.
  uint32_t Find(std::string_view term) const;
  // Term ids [begin, end) of all terms starting with `prefix`.
  std::pair<uint32_t, uint32_t> PrefixRange(std::string_view prefix) const;
  uint32_t doc_freq(uint32_t t) const;

  // fn(ad, weighted frequency) for every posting of term `t`, in ad order (the
  // fast path of word queries: no intermediate vector). If fn returns bool,
  // returning false stops the walk (an intersection that ran out of candidates).
  template <class Fn>
  void ForEachPosting(uint32_t t, Fn&& fn) const {
    const auto* p = reinterpret_cast<const uint8_t*>(post_ + post_off_[t]);
    const auto* end = reinterpret_cast<const uint8_t*>(post_ + post_off_[t + 1]);
    uint32_t next = 0;
    while (p < end) {
      const uint32_t doc = next + ReadVarint(p);
      next = doc + 1;
      const uint32_t wtf = ReadVarint(p);
      if (doc >= docs_) continue;
      if constexpr (std::is_same_v<decltype(fn(doc, wtf)), bool>) {
        if (!fn(doc, wtf)) return;
      } else {
        fn(doc, wtf);
      }
    }
  }
  // Walks the postings of one term in ad order, decoding its positions only
  // when asked (phrase checks touch few of the ads they pass). Valid while the
  // segment is; a default-constructed cursor is at its end.
  class Cursor {
   public:
    Cursor() = default;
    bool done() const { return done_; }
    uint32_t doc() const { return doc_; }
    uint32_t wtf() const { return wtf_; }
    // Moves to the next posting; false (and done) when there is none.
    bool Next() {
      while (p_ < end_ && q_next_ < q_end_) {
        const uint8_t* q = q_next_;
        doc_ = next_ + ReadVarint(p_);
        next_ = doc_ + 1;
        wtf_ = ReadVarint(p_);
        const uint32_t len = ReadVarint(q);
        pos_ = q;
        q_next_ = q + std::min<size_t>(len, static_cast<size_t>(q_end_ - q));
        if (doc_ < docs_) return true;
      }
      done_ = true;
      return false;
    }
    // Moves to the first posting at or after ad `target` (stays if already
    // there); false when there is none.
    bool SeekTo(uint32_t target) {
      while (!done_ && doc_ < target) Next();
      return !done_;
    }
    // Reads the current posting's positions, ascending, one at a time.
    class PositionReader {
     public:
      bool Next(uint32_t& pos) {
        if (q_ >= end_) return false;
        pos_ += ReadVarint(q_);
        pos = pos_;
        return true;
      }

     private:
      friend class Cursor;
      PositionReader(const uint8_t* q, const uint8_t* end) : q_(q), end_(end) {}
      const uint8_t *q_, *end_;
      uint32_t pos_ = 0;
    };
    PositionReader Positions() const { return PositionReader(pos_, q_next_); }
    // Bytes of the current posting's positions: at least their number.
    size_t positions_bytes() const { return static_cast<size_t>(q_next_ - pos_); }

   private:
    friend class Segment;
    const uint8_t *p_ = nullptr, *end_ = nullptr;        // postings: next one, end
    const uint8_t *pos_ = nullptr, *q_next_ = nullptr;   // positions: current posting's, the next posting's
    const uint8_t* q_end_ = nullptr;
    uint32_t next_ = 0, doc_ = 0, wtf_ = 0, docs_ = 0;
    bool done_ = true;
  };
  // A cursor on the first posting of term `t`.
  Cursor Postings(uint32_t t) const {
    Cursor c;
    c.p_ = reinterpret_cast<const uint8_t*>(post_ + post_off_[t]);
    c.end_ = reinterpret_cast<const uint8_t*>(post_ + post_off_[t + 1]);
    c.q_next_ = reinterpret_cast<const uint8_t*>(pos_ + pos_off_[t]);
    c.q_end_ = reinterpret_cast<const uint8_t*>(pos_ + pos_off_[t + 1]);
    c.docs_ = docs_;
    c.done_ = false;
    c.Next();
    return c;
  }
  // Every occurrence of term `t` as (ad << 32 | position), ascending; only in
  // the ads listed in `only` (ascending) when given.
  void Occurrences(uint32_t t, const std::vector<uint32_t>* only, std::vector<uint64_t>& out) const;
  // Local ads having term `t` (ascending), without frequencies.
  void Docs(uint32_t t, std::vector<uint32_t>& out) const;

  // Inline: read once per posting while scoring.
  uint32_t doc_tokens(uint32_t d) const { return doc_tokens_[d]; }
  uint32_t title_tokens(uint32_t d) const { return title_tokens_[d]; }
  int64_t posted(uint32_t d) const { return posted_[d]; }
  std::string_view id(uint32_t d) const;
  std::string_view site(uint32_t d) const;
  std::string_view city(uint32_t d) const;
  std::string_view state(uint32_t d) const;
  // The facts of ad `d`: fn(term id, span).
  template <class Fn>
  void ForEachFact(uint32_t d, Fn&& fn) const {
    for (uint32_t i = fwd_off_[d]; i < fwd_off_[d + 1]; ++i) fn(fwd_[2 * i], Blob(span_off_, span_blob_, fwd_[2 * i + 1]));
  }
  // Title and body of ad `d` (decompresses its text block).
  core::Status Text(uint32_t d, std::string& title, std::string& body) const;

 private:
  Segment() = default;
  static uint32_t ReadVarint(const uint8_t*& p) {
    uint32_t v = *p & 0x7f;
    for (int shift = 7; *p++ >= 0x80; shift += 7) v |= static_cast<uint32_t>(*p & 0x7f) << shift;
    return v;
  }
  static std::string_view Blob(const uint32_t* offsets, const char* blob, uint32_t i) {
    return std::string_view(blob + offsets[i], offsets[i + 1] - offsets[i]);
  }
  std::string path_;
  const char* map_ = nullptr;
  size_t size_ = 0;
  uint64_t first_ = 0, total_tokens_ = 0;
  uint32_t docs_ = 0, terms_ = 0, strings_ = 0, text_blocks_ = 0;
  const uint32_t* term_off_ = nullptr;
  const char* term_blob_ = nullptr;
  const uint64_t* post_off_ = nullptr;  // terms_ + 1
  const uint32_t* df_ = nullptr;
  const char* post_ = nullptr;
  const uint32_t* doc_tokens_ = nullptr;
  const uint32_t* title_tokens_ = nullptr;
  const int64_t* posted_ = nullptr;
  const uint32_t* id_off_ = nullptr;
  const char* id_blob_ = nullptr;
  const uint32_t* place_ = nullptr;  // 3 per ad: site, city, state string numbers
  const uint32_t* str_off_ = nullptr;
  const char* str_blob_ = nullptr;
  const uint32_t* fwd_off_ = nullptr;  // docs_ + 1, in facts
  const uint32_t* fwd_ = nullptr;      // 2 per fact: term id, span number
  const uint32_t* span_off_ = nullptr;
  const char* span_blob_ = nullptr;
  const uint64_t* text_off_ = nullptr;  // text_blocks_ + 1
  const char* text_ = nullptr;
  const uint64_t* pos_off_ = nullptr;  // terms_ + 1
  const char* pos_ = nullptr;
};

}  // namespace lodestar::search
