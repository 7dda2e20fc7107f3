#include "search/segment.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <unordered_map>

#include <absl/container/flat_hash_map.h>
#include <fmt/format.h>

namespace lodestar::search {
namespace {

using core::Status;
using core::StatusCode;

constexpr char kMagic[8] = {'L', 'S', 'I', 'D', 'X', 0, 0, 1};
// Version 2 keeps positions in their own section, so word queries read only ad numbers and frequencies;
// version 3 prefixes each posting's positions with their byte length (was: their count), so phrase
// matching skips the ads it does not want without reading their positions.
// version 4 compressed the text in blocks of 4 ads, version 5 in blocks of 8 (was 16): a snippet
// decompresses half as much for an index ~7% larger.
constexpr uint32_t kVersion = 5;
constexpr size_t kSections = 21;
constexpr size_t kHeaderSize = 48 + kSections * 16;
enum Section : size_t {
  kTermOff, kTermBlob, kPostOff, kDf, kPostings, kDocTokens, kTitleTokens, kPosted, kIdOff, kIdBlob,
  kPlace, kStrOff, kStrBlob, kFwdOff, kFwd, kSpanOff, kSpanBlob, kTextOff, kText, kPosOff, kPositions
};

void PutVarint(std::string& out, uint32_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

inline uint32_t GetVarint(const uint8_t*& p) {
  uint32_t v = *p & 0x7f;
  if (*p++ < 0x80) return v;
  int shift = 7;
  while (true) {
    uint8_t b = *p++;
    v |= static_cast<uint32_t>(b & 0x7f) << shift;
    if (b < 0x80) return v;
    shift += 7;
  }
}

using StringIds = absl::flat_hash_map<std::string, uint32_t>;  // heterogeneous lookup by absl::string_view

// Debian's Abseil has its own string_view type (not std's): convert for lookups.
absl::string_view Key(std::string_view s) { return absl::string_view(s.data(), s.size()); }

uint32_t Intern(StringIds& ids, std::vector<std::string>* strings, std::string_view s) {
  auto [it, inserted] = ids.try_emplace(Key(s), static_cast<uint32_t>(ids.size()));
  if (inserted && strings) strings->emplace_back(s);
  return it->second;
}

template <class T>
std::string_view Bytes(const std::vector<T>& v) {
  return std::string_view(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
}

Status WriteAll(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    ssize_t w = ::write(fd, data.data(), data.size());
    if (w < 0) {
      if (errno == EINTR) continue;
      return Status::Error(StatusCode::kIoError, fmt::format("{}: cannot write the search index: {}; free disk space and "
                                                             "run `lodestar index` again", path, std::strerror(errno)));
    }
    data.remove_prefix(static_cast<size_t>(w));
  }
  return Status::Ok();
}

}  // namespace

std::string FactTerm(std::string_view kind, std::string_view value) {
  std::string t;
  t.reserve(kind.size() + value.size() + 2);
  t += kFactTermMark;
  t += kind;
  t += ':';
  t += value;
  return t;
}

// ---------------------------------------------------------------------------
// Writer

namespace {

// The title and body of one ad as a text block stores them: varint length, bytes, twice.
void AppendRawText(std::string& raw, const SegmentDoc& doc) {
  PutVarint(raw, static_cast<uint32_t>(doc.title.size()));
  raw += doc.title;
  PutVarint(raw, static_cast<uint32_t>(doc.body.size()));
  raw += doc.body;
}

void AppendCompressed(ZSTD_CCtx* zstd, const std::string& raw, std::string& out) {
  const size_t at = out.size();
  out.resize(at + ZSTD_compressBound(raw.size()));
  size_t n = ZSTD_compressCCtx(zstd, out.data() + at, out.size() - at, raw.data(), raw.size(), 1);
  if (ZSTD_isError(n)) n = 0;  // cannot happen with a bound-sized buffer; an empty block reads as empty texts
  out.resize(at + n);
}

struct ZstdCompressor {
  ZSTD_CCtx* ctx = ZSTD_createCCtx();
  ~ZstdCompressor() { ZSTD_freeCCtx(ctx); }
};

}  // namespace

struct SegmentWriter::Impl {
  // Everything the writer keeps per term, together: Add() touches it once per posting.
  struct TermPostings {
    std::string postings;   // ad deltas and weighted frequencies
    std::string positions;  // per posting: byte length and delta positions
    uint32_t next_doc = 0;  // last ad with the term + 1 (delta base)
    uint32_t df = 0;
  };
  uint64_t first = 0;
  StringIds term_ids;
  std::vector<TermPostings> terms;  // by insertion id
  std::vector<uint32_t> doc_tokens, title_tokens;
  std::vector<int64_t> posted;
  std::string id_blob;
  std::vector<uint32_t> id_off{0};
  StringIds string_ids;
  std::vector<std::string> strings;
  std::vector<uint32_t> place;
  std::vector<uint32_t> fwd_off{0}, fwd;
  std::string span_blob;
  std::vector<uint32_t> span_off{0};
  StringIds span_ids;
  std::string text_pending, text_blob;
  uint32_t text_pending_docs = 0;  // == ads so far % kDocsPerTextBlock
  std::vector<uint64_t> text_off{0};
  ZstdCompressor zstd;
  std::vector<uint32_t> ids;  // scratch: segment term id of each batch term

  uint32_t TermId(std::string_view t) {
    auto [it, inserted] = term_ids.try_emplace(Key(t), static_cast<uint32_t>(terms.size()));
    if (inserted) terms.emplace_back();
    return it->second;
  }

  // The ad's own records (facts' forward entries are already in): sizes, id, places, text.
  void AddDoc(const Prepared& p, bool text_compressed);

  void FlushText() {
    if (text_pending_docs == 0) return;
    AppendCompressed(zstd.ctx, text_pending, text_blob);
    text_off.push_back(text_blob.size());
    text_pending.clear();
    text_pending_docs = 0;
  }
};

void SegmentWriter::Prepare(SegmentDoc doc, Prepared& out) {
  // Per thread, not per Prepared: a batch's ads would each keep their token memory.
  thread_local Tokens title, body;
  title.clear();
  body.clear();
  Tokenize(doc.title, title);
  Tokenize(doc.body, body);
  out.title_tokens = static_cast<uint32_t>(title.size());
  out.body_tokens = static_cast<uint32_t>(body.size());
  // Group positions by term with a per-thread hash map (sorting the token strings cost more).
  thread_local absl::flat_hash_map<absl::string_view, uint32_t> group_of;
  thread_local std::vector<std::vector<uint32_t>> positions;
  thread_local std::vector<std::string_view> group_terms;
  group_of.clear();
  group_terms.clear();
  auto add = [&](std::string_view token, uint32_t pos) {
    auto [it, inserted] = group_of.try_emplace(Key(token), static_cast<uint32_t>(group_terms.size()));
    if (inserted) {
      group_terms.push_back(token);
      if (positions.size() < group_terms.size()) positions.emplace_back();
      positions[it->second].clear();
    }
    positions[it->second].push_back(pos);
  };
  for (uint32_t i = 0; i < out.title_tokens; ++i) add(title[i], i);
  for (uint32_t i = 0; i < out.body_tokens; ++i) add(body[i], out.title_tokens + 1 + i);
  out.terms.clear();
  out.term_ends.clear();
  out.encoded.clear();
  out.encoded_ends.clear();
  out.wtf.clear();
  for (size_t g = 0; g < group_terms.size(); ++g) {
    const auto& pos = positions[g];
    uint32_t in_title = 0;
    while (in_title < pos.size() && pos[in_title] < out.title_tokens) ++in_title;
    out.terms += group_terms[g];
    out.term_ends.push_back(static_cast<uint32_t>(out.terms.size()));
    out.wtf.push_back(kTitleWeight * in_title + static_cast<uint32_t>(pos.size() - in_title));
    // Byte length first, so a reader skips the positions of an ad it does not want in one step.
    thread_local std::string deltas;
    deltas.clear();
    uint32_t prev = 0;
    for (uint32_t p : pos) {
      PutVarint(deltas, p - prev);
      prev = p;
    }
    PutVarint(out.encoded, static_cast<uint32_t>(deltas.size()));
    out.encoded += deltas;
    out.encoded_ends.push_back(static_cast<uint32_t>(out.encoded.size()));
  }
  out.doc = std::move(doc);
}

SegmentWriter::SegmentWriter(uint64_t first_ordinal) : impl_(std::make_unique<Impl>()) { impl_->first = first_ordinal; }
SegmentWriter::~SegmentWriter() = default;
uint32_t SegmentWriter::doc_count() const { return static_cast<uint32_t>(impl_->doc_tokens.size()); }

namespace {

// One term's postings within a batch, encoded as the segment stores them except the first
// posting's ad delta, which depends on where the batch lands.
struct TermRun {
  uint32_t first_doc = 0, last_doc = 0, count = 0;  // batch-relative ads
  std::string postings;   // weighted frequency of the first posting, then (ad delta, wtf) of the rest
  std::string positions;  // per posting: byte length, delta positions

  void Reset() {
    count = 0;
    postings.clear();
    positions.clear();
  }
  void Append(uint32_t d, uint32_t wtf, std::string_view pos) {
    if (count == 0) first_doc = d;
    else PutVarint(postings, d - last_doc - 1);
    PutVarint(postings, wtf);
    positions += pos;
    last_doc = d;
    count++;
  }
};

}  // namespace

struct SegmentWriter::Sealed {
  std::string names;  // the batch's distinct terms (text and fact), back to back, in first-seen order
  std::vector<uint32_t> name_ends;
  std::vector<TermRun> runs;       // by batch term; runs[0, name_ends.size()) are this batch's
  std::vector<uint32_t> facts;     // per fact of each ad, in order: its batch term
  std::string text;                // the complete text blocks, compressed, back to back
  std::vector<uint32_t> text_ends;  // per block

  size_t terms() const { return name_ends.size(); }
  std::string_view name(size_t l) const {
    const uint32_t from = l == 0 ? 0 : name_ends[l - 1];
    return std::string_view(names).substr(from, name_ends[l] - from);
  }
};

SegmentWriter::Batch::Batch() = default;
SegmentWriter::Batch::~Batch() = default;
SegmentWriter::Batch::Batch(Batch&&) noexcept = default;
SegmentWriter::Batch& SegmentWriter::Batch::operator=(Batch&&) noexcept = default;

void SegmentWriter::Seal(Batch& batch) {
  if (!batch.sealed) batch.sealed = std::make_unique<Sealed>();
  Sealed& s = *batch.sealed;
  s.names.clear();
  s.name_ends.clear();
  s.facts.clear();
  thread_local StringIds local;
  local.clear();
  auto run_of = [&](std::string_view name) -> uint32_t {
    auto [it, inserted] = local.try_emplace(Key(name), static_cast<uint32_t>(s.name_ends.size()));
    if (inserted) {
      s.names += name;
      s.name_ends.push_back(static_cast<uint32_t>(s.names.size()));
      if (s.runs.size() < s.name_ends.size()) s.runs.emplace_back();
      s.runs[it->second].Reset();
    }
    return it->second;
  };
  std::string fact_term;
  for (uint32_t d = 0; d < batch.size; ++d) {
    const Prepared& p = batch.docs[d];
    for (size_t i = 0, tb = 0, eb = 0; i < p.term_ends.size(); ++i) {
      const uint32_t l = run_of(std::string_view(p.terms).substr(tb, p.term_ends[i] - tb));
      s.runs[l].Append(d, p.wtf[i], std::string_view(p.encoded).substr(eb, p.encoded_ends[i] - eb));
      tb = p.term_ends[i];
      eb = p.encoded_ends[i];
    }
    for (const auto& f : p.doc.facts) {
      fact_term.assign(1, kFactTermMark);
      fact_term += f.kind;
      fact_term += ':';
      fact_term += f.value;
      const uint32_t l = run_of(fact_term);
      TermRun& r = s.runs[l];
      if (r.count == 0 || r.last_doc != d) r.Append(d, 1, std::string_view("\0", 1));  // facts have no positions
      s.facts.push_back(l);
    }
  }

  thread_local ZstdCompressor zstd;
  thread_local std::string raw;
  s.text.clear();
  s.text_ends.clear();
  for (size_t b = 0; b + kDocsPerTextBlock <= batch.size; b += kDocsPerTextBlock) {
    raw.clear();
    for (size_t i = b; i < b + kDocsPerTextBlock; ++i) AppendRawText(raw, batch.docs[i].doc);
    AppendCompressed(zstd.ctx, raw, s.text);
    s.text_ends.push_back(static_cast<uint32_t>(s.text.size()));
  }
}

void SegmentWriter::Add(Batch& batch) {
  Impl& m = *impl_;
  const Sealed& s = *batch.sealed;
  const auto base = static_cast<uint32_t>(m.doc_tokens.size());
  // The dictionary and the per-term lists are far bigger than the caches: look terms up
  // and touch their lists a few items ahead.
  constexpr size_t kAhead = 4;
  const size_t n = s.terms();
  m.ids.resize(n);
  for (size_t l = 0; l < n; ++l) {
    if (l + kAhead < n) m.term_ids.prefetch(Key(s.name(l + kAhead)));
    m.ids[l] = m.TermId(s.name(l));
  }
  for (size_t l = 0; l < n; ++l) {
    if (l + kAhead < n) __builtin_prefetch(&m.terms[m.ids[l + kAhead]]);
    const TermRun& r = s.runs[l];
    Impl::TermPostings& tp = m.terms[m.ids[l]];
    PutVarint(tp.postings, base + r.first_doc - tp.next_doc);
    tp.postings += r.postings;
    tp.positions += r.positions;
    tp.next_doc = base + r.last_doc + 1;
    tp.df += r.count;
  }

  size_t compressed_docs = 0;
  // Blocks compressed from the batch's first ad line up with the segment's only when no
  // earlier block is still open.
  if (m.text_pending_docs == 0) {
    compressed_docs = std::min(batch.size, s.text_ends.size() * kDocsPerTextBlock);
    uint32_t from = 0;
    for (size_t b = 0; b < compressed_docs / kDocsPerTextBlock; ++b) {
      m.text_blob.append(s.text, from, s.text_ends[b] - from);
      m.text_off.push_back(m.text_blob.size());
      from = s.text_ends[b];
    }
  }
  size_t fact = 0;
  for (size_t i = 0; i < batch.size; ++i) {
    const SegmentDoc& doc = batch.docs[i].doc;
    for (const auto& f : doc.facts) {
      const auto known_spans = static_cast<uint32_t>(m.span_ids.size());
      const uint32_t span = Intern(m.span_ids, nullptr, f.span);
      if (span == known_spans) {
        m.span_blob += f.span;
        m.span_off.push_back(static_cast<uint32_t>(m.span_blob.size()));
      }
      m.fwd.push_back(m.ids[s.facts[fact++]]);
      m.fwd.push_back(span);
    }
    m.AddDoc(batch.docs[i], i < compressed_docs);
  }
}

void SegmentWriter::Impl::AddDoc(const Prepared& p, bool text_compressed) {
  fwd_off.push_back(static_cast<uint32_t>(fwd.size() / 2));
  doc_tokens.push_back(p.title_tokens + p.body_tokens);
  title_tokens.push_back(p.title_tokens);
  posted.push_back(p.doc.posted);
  id_blob += p.doc.id;
  id_off.push_back(static_cast<uint32_t>(id_blob.size()));
  place.push_back(Intern(string_ids, &strings, p.doc.site));
  place.push_back(Intern(string_ids, &strings, p.doc.city));
  place.push_back(Intern(string_ids, &strings, p.doc.state));
  if (text_compressed) return;
  AppendRawText(text_pending, p.doc);
  if (++text_pending_docs == kDocsPerTextBlock) FlushText();
}

Status SegmentWriter::Write(const std::string& path) {
  Impl& m = *impl_;
  m.FlushText();
  const auto T = static_cast<uint32_t>(m.terms.size());
  // Sorted dictionary: new id of each insertion id.
  std::vector<std::string_view> names(T);
  for (const auto& [name, id] : m.term_ids) names[id] = name;
  std::vector<uint32_t> order(T), new_id(T);
  for (uint32_t i = 0; i < T; ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return names[a] < names[b]; });
  for (uint32_t i = 0; i < T; ++i) new_id[order[i]] = i;
  std::vector<uint32_t> term_off{0}, df;
  std::vector<uint64_t> post_off{0}, pos_off{0};
  std::string term_blob;
  uint64_t post_bytes = 0, pos_bytes = 0;
  for (uint32_t i = 0; i < T; ++i) {
    term_blob += names[order[i]];
    term_off.push_back(static_cast<uint32_t>(term_blob.size()));
    const Impl::TermPostings& tp = m.terms[order[i]];
    post_bytes += tp.postings.size();
    post_off.push_back(post_bytes);
    pos_bytes += tp.positions.size();
    pos_off.push_back(pos_bytes);
    df.push_back(tp.df);
  }
  for (size_t i = 0; i < m.fwd.size(); i += 2) m.fwd[i] = new_id[m.fwd[i]];
  std::vector<uint32_t> str_off{0};
  std::string str_blob;
  for (const auto& s : m.strings) {
    str_blob += s;
    str_off.push_back(static_cast<uint32_t>(str_blob.size()));
  }
  uint64_t total_tokens = 0;
  for (uint32_t n : m.doc_tokens) total_tokens += n;

  // Section sizes, then offsets (8-byte aligned so the reader can cast).
  std::array<uint64_t, kSections> size{}, off{};
  size[kTermOff] = term_off.size() * 4;
  size[kTermBlob] = term_blob.size();
  size[kPostOff] = post_off.size() * 8;
  size[kDf] = df.size() * 4;
  size[kPostings] = post_bytes + 8;  // padding: the varint reader never runs off the map
  size[kDocTokens] = m.doc_tokens.size() * 4;
  size[kTitleTokens] = m.title_tokens.size() * 4;
  size[kPosted] = m.posted.size() * 8;
  size[kIdOff] = m.id_off.size() * 4;
  size[kIdBlob] = m.id_blob.size();
  size[kPlace] = m.place.size() * 4;
  size[kStrOff] = str_off.size() * 4;
  size[kStrBlob] = str_blob.size();
  size[kFwdOff] = m.fwd_off.size() * 4;
  size[kFwd] = m.fwd.size() * 4;
  size[kSpanOff] = m.span_off.size() * 4;
  size[kSpanBlob] = m.span_blob.size();
  size[kTextOff] = m.text_off.size() * 8;
  size[kText] = m.text_blob.size();
  size[kPosOff] = pos_off.size() * 8;
  size[kPositions] = pos_bytes + 8;
  uint64_t at = kHeaderSize;
  for (size_t s = 0; s < kSections; ++s) {
    at = (at + 7) & ~uint64_t{7};
    off[s] = at;
    at += size[s];
  }
  std::string header(kHeaderSize, '\0');
  char* h = header.data();
  std::memcpy(h, kMagic, 8);
  std::memcpy(h + 8, &kVersion, 4);
  const auto docs = static_cast<uint32_t>(m.doc_tokens.size());
  const auto strings = static_cast<uint32_t>(m.strings.size());
  const auto blocks = static_cast<uint32_t>(m.text_off.size() - 1);
  std::memcpy(h + 16, &m.first, 8);
  std::memcpy(h + 24, &docs, 4);
  std::memcpy(h + 28, &T, 4);
  std::memcpy(h + 32, &strings, 4);
  std::memcpy(h + 36, &blocks, 4);
  std::memcpy(h + 40, &total_tokens, 8);
  for (size_t s = 0; s < kSections; ++s) {
    std::memcpy(h + 48 + s * 16, &off[s], 8);
    std::memcpy(h + 56 + s * 16, &size[s], 8);
  }

  const std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    return Status::Error(StatusCode::kIoError, fmt::format("{}: cannot create the search index: {}", tmp, std::strerror(errno)));
  }
  uint64_t written = 0;
  // Most terms' lists are a few bytes: gather them so the file takes few large writes.
  std::string buffer;
  constexpr size_t kBuffer = size_t{1} << 20;
  buffer.reserve(kBuffer);
  auto flush = [&]() -> Status {
    Status s = WriteAll(fd, buffer, tmp);
    buffer.clear();
    return s;
  };
  auto put = [&](std::string_view data) -> Status {
    written += data.size();
    if (buffer.size() + data.size() <= kBuffer) {
      buffer.append(data);
      return Status::Ok();
    }
    if (Status s = flush(); !s.ok()) return s;
    if (data.size() >= kBuffer) return WriteAll(fd, data, tmp);
    buffer.append(data);
    return Status::Ok();
  };
  auto pad_to = [&](uint64_t target) -> Status {
    static const char zeros[8] = {};
    return put(std::string_view(zeros, target - written));
  };
  Status st = put(header);
  auto section = [&](Section s, std::string_view data) {
    if (!st.ok()) return;
    st = pad_to(off[s]);
    if (st.ok()) st = put(data);
  };
  section(kTermOff, Bytes(term_off));
  section(kTermBlob, term_blob);
  section(kPostOff, Bytes(post_off));
  section(kDf, Bytes(df));
  if (st.ok()) st = pad_to(off[kPostings]);
  for (uint32_t i = 0; i < T && st.ok(); ++i) {
    st = put(m.terms[order[i]].postings);
    std::string().swap(m.terms[order[i]].postings);  // free as we go: postings are most of the memory
  }
  if (st.ok()) st = put(std::string_view("\0\0\0\0\0\0\0\0", 8));
  section(kDocTokens, Bytes(m.doc_tokens));
  section(kTitleTokens, Bytes(m.title_tokens));
  section(kPosted, Bytes(m.posted));
  section(kIdOff, Bytes(m.id_off));
  section(kIdBlob, m.id_blob);
  section(kPlace, Bytes(m.place));
  section(kStrOff, Bytes(str_off));
  section(kStrBlob, str_blob);
  section(kFwdOff, Bytes(m.fwd_off));
  section(kFwd, Bytes(m.fwd));
  section(kSpanOff, Bytes(m.span_off));
  section(kSpanBlob, m.span_blob);
  section(kTextOff, Bytes(m.text_off));
  section(kText, m.text_blob);
  section(kPosOff, Bytes(pos_off));
  if (st.ok()) st = pad_to(off[kPositions]);
  for (uint32_t i = 0; i < T && st.ok(); ++i) {
    st = put(m.terms[order[i]].positions);
    std::string().swap(m.terms[order[i]].positions);
  }
  if (st.ok()) st = put(std::string_view("\0\0\0\0\0\0\0\0", 8));
  if (st.ok()) st = flush();
  if (st.ok() && ::fsync(fd) != 0) {
    st = Status::Error(StatusCode::kIoError, fmt::format("{}: fsync failed: {}", tmp, std::strerror(errno)));
  }
  ::close(fd);
  if (st.ok() && ::rename(tmp.c_str(), path.c_str()) != 0) {
    st = Status::Error(StatusCode::kIoError, fmt::format("{}: cannot rename into place: {}", path, std::strerror(errno)));
  }
  if (!st.ok()) ::unlink(tmp.c_str());
  return st;
}

// ---------------------------------------------------------------------------
// Reader

core::Result<std::unique_ptr<Segment>> Segment::Open(const std::string& path) {
  auto corrupt = [&](const std::string& what) {
    return Status::Error(StatusCode::kCorrupt, fmt::format("{}: search index segment {}; delete the directory {} and run "
                                                           "`lodestar index` to rebuild it",
                                                           path, what, path.substr(0, path.rfind('/'))));
  };
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return corrupt(fmt::format("cannot be opened ({})", std::strerror(errno)));
  struct stat sb;
  if (::fstat(fd, &sb) != 0 || static_cast<size_t>(sb.st_size) < kHeaderSize) {
    ::close(fd);
    return corrupt("is too short");
  }
  std::unique_ptr<Segment> s(new Segment());
  s->path_ = path;
  s->size_ = static_cast<size_t>(sb.st_size);
  void* p = ::mmap(nullptr, s->size_, PROT_READ, MAP_SHARED, fd, 0);
  ::close(fd);
  if (p == MAP_FAILED) return corrupt("cannot be mapped");
  s->map_ = static_cast<const char*>(p);
  const char* h = s->map_;
  uint32_t version;
  std::memcpy(&version, h + 8, 4);
  if (std::memcmp(h, kMagic, 8) != 0 || version != kVersion) return corrupt("has an unknown format");
  std::memcpy(&s->first_, h + 16, 8);
  std::memcpy(&s->docs_, h + 24, 4);
  std::memcpy(&s->terms_, h + 28, 4);
  std::memcpy(&s->strings_, h + 32, 4);
  std::memcpy(&s->text_blocks_, h + 36, 4);
  std::memcpy(&s->total_tokens_, h + 40, 8);
  std::array<uint64_t, kSections> off{}, size{};
  for (size_t i = 0; i < kSections; ++i) {
    std::memcpy(&off[i], h + 48 + i * 16, 8);
    std::memcpy(&size[i], h + 56 + i * 16, 8);
    if (off[i] % 8 != 0 || off[i] > s->size_ || size[i] > s->size_ - off[i]) return corrupt("is cut short");
  }
  const uint64_t D = s->docs_, T = s->terms_;
  auto expect = [&](Section sec, uint64_t bytes) { return size[sec] == bytes; };
  if (!expect(kTermOff, (T + 1) * 4) || !expect(kPostOff, (T + 1) * 8) || !expect(kPosOff, (T + 1) * 8) || !expect(kDf, T * 4) ||
      !expect(kDocTokens, D * 4) || !expect(kTitleTokens, D * 4) || !expect(kPosted, D * 8) ||
      !expect(kIdOff, (D + 1) * 4) || !expect(kPlace, D * 12) || !expect(kStrOff, (uint64_t{s->strings_} + 1) * 4) ||
      !expect(kFwdOff, (D + 1) * 4) || !expect(kTextOff, (uint64_t{s->text_blocks_} + 1) * 8) ||
      s->text_blocks_ != (D + kDocsPerTextBlock - 1) / kDocsPerTextBlock) {
    return corrupt("has inconsistent section sizes");
  }
  auto at = [&](Section sec) { return s->map_ + off[sec]; };
  s->term_off_ = reinterpret_cast<const uint32_t*>(at(kTermOff));
  s->term_blob_ = at(kTermBlob);
  s->post_off_ = reinterpret_cast<const uint64_t*>(at(kPostOff));
  s->df_ = reinterpret_cast<const uint32_t*>(at(kDf));
  s->post_ = at(kPostings);
  s->doc_tokens_ = reinterpret_cast<const uint32_t*>(at(kDocTokens));
  s->title_tokens_ = reinterpret_cast<const uint32_t*>(at(kTitleTokens));
  s->posted_ = reinterpret_cast<const int64_t*>(at(kPosted));
  s->id_off_ = reinterpret_cast<const uint32_t*>(at(kIdOff));
  s->id_blob_ = at(kIdBlob);
  s->place_ = reinterpret_cast<const uint32_t*>(at(kPlace));
  s->str_off_ = reinterpret_cast<const uint32_t*>(at(kStrOff));
  s->str_blob_ = at(kStrBlob);
  s->fwd_off_ = reinterpret_cast<const uint32_t*>(at(kFwdOff));
  s->fwd_ = reinterpret_cast<const uint32_t*>(at(kFwd));
  s->span_off_ = reinterpret_cast<const uint32_t*>(at(kSpanOff));
  s->span_blob_ = at(kSpanBlob);
  s->text_off_ = reinterpret_cast<const uint64_t*>(at(kTextOff));
  s->text_ = at(kText);
  s->pos_off_ = reinterpret_cast<const uint64_t*>(at(kPosOff));
  s->pos_ = at(kPositions);
  // The offsets tables bound every later read; check their ends once here.
  if (s->term_off_[T] != size[kTermBlob] || s->post_off_[T] + 8 != size[kPostings] ||
      s->pos_off_[T] + 8 != size[kPositions] ||
      s->id_off_[D] != size[kIdBlob] || s->str_off_[s->strings_] != size[kStrBlob] ||
      uint64_t{s->fwd_off_[D]} * 8 != size[kFwd] || s->text_off_[s->text_blocks_] != size[kText] ||
      (size[kSpanOff] >= 4 && s->span_off_[size[kSpanOff] / 4 - 1] != size[kSpanBlob])) {
    return corrupt("has inconsistent offsets");
  }
  return s;
}

Segment::~Segment() {
  if (map_) ::munmap(const_cast<char*>(map_), size_);
}

std::string_view Segment::term(uint32_t t) const { return Blob(term_off_, term_blob_, t); }

uint32_t Segment::Find(std::string_view t) const {
  uint32_t lo = 0, hi = terms_;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (term(mid) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo < terms_ && term(lo) == t ? lo : UINT32_MAX;
}

std::pair<uint32_t, uint32_t> Segment::PrefixRange(std::string_view prefix) const {
  uint32_t lo = 0, hi = terms_;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (term(mid) < prefix) lo = mid + 1;
    else hi = mid;
  }
  uint32_t end = lo;
  while (end < terms_ && term(end).starts_with(prefix)) ++end;
  return {lo, end};
}

uint32_t Segment::doc_freq(uint32_t t) const { return df_[t]; }

void Segment::Docs(uint32_t t, std::vector<uint32_t>& out) const {
  ForEachPosting(t, [&](uint32_t doc, uint32_t) { out.push_back(doc); });
}

void Segment::Occurrences(uint32_t t, const std::vector<uint32_t>* only, std::vector<uint64_t>& out) const {
  const auto* p = reinterpret_cast<const uint8_t*>(post_ + post_off_[t]);
  const auto* end = reinterpret_cast<const uint8_t*>(post_ + post_off_[t + 1]);
  const auto* q = reinterpret_cast<const uint8_t*>(pos_ + pos_off_[t]);
  const auto* q_end = reinterpret_cast<const uint8_t*>(pos_ + pos_off_[t + 1]);
  uint32_t next = 0;
  size_t k = 0;  // walks `only` alongside the postings
  while (p < end && q < q_end) {
    uint32_t doc = next + GetVarint(p);
    next = doc + 1;
    GetVarint(p);
    const uint32_t len = GetVarint(q);
    const uint8_t* pos_end = q + std::min<size_t>(len, static_cast<size_t>(q_end - q));
    bool keep = doc < docs_;
    if (only) {
      while (k < only->size() && (*only)[k] < doc) ++k;
      if (k == only->size()) return;  // no listed ad left
      keep = keep && (*only)[k] == doc;
    }
    if (!keep) {
      q = pos_end;
      continue;
    }
    uint32_t pos = 0;
    while (q < pos_end) {
      pos += GetVarint(q);
      out.push_back(uint64_t{doc} << 32 | pos);
    }
    q = pos_end;
  }
}

std::string_view Segment::id(uint32_t d) const { return Blob(id_off_, id_blob_, d); }
std::string_view Segment::site(uint32_t d) const { return Blob(str_off_, str_blob_, std::min(place_[3 * d], strings_ - 1)); }
std::string_view Segment::city(uint32_t d) const { return Blob(str_off_, str_blob_, std::min(place_[3 * d + 1], strings_ - 1)); }
std::string_view Segment::state(uint32_t d) const { return Blob(str_off_, str_blob_, std::min(place_[3 * d + 2], strings_ - 1)); }

Status Segment::Text(uint32_t d, std::string& title, std::string& body) const {
  title.clear();
  body.clear();
  const uint32_t block = d / kDocsPerTextBlock;
  std::string_view compressed(text_ + text_off_[block], text_off_[block + 1] - text_off_[block]);
  unsigned long long raw = ZSTD_getFrameContentSize(compressed.data(), compressed.size());
  if (raw == ZSTD_CONTENTSIZE_ERROR || raw == ZSTD_CONTENTSIZE_UNKNOWN || raw > (1ull << 31)) {
    return Status::Error(StatusCode::kCorrupt, fmt::format("{}: text block {} is damaged; run `lodestar index` after "
                                                           "deleting the index", path_, block));
  }
  // One decompression context and buffer per thread: ZSTD_decompress would
  // allocate and free a context for every snippet.
  struct Decompressor {
    ZSTD_DCtx* ctx = ZSTD_createDCtx();
    std::string plain;
    ~Decompressor() { ZSTD_freeDCtx(ctx); }
  };
  thread_local Decompressor z;
  std::string& plain = z.plain;
  if (plain.size() < raw + 8) plain.resize(raw + 8);  // padding for the varint reader
  size_t n = ZSTD_decompressDCtx(z.ctx, plain.data(), raw, compressed.data(), compressed.size());
  if (ZSTD_isError(n) || n != raw) {
    return Status::Error(StatusCode::kCorrupt, fmt::format("{}: text block {} is damaged", path_, block));
  }
  const auto* p = reinterpret_cast<const uint8_t*>(plain.data());
  const auto* end = p + n;
  for (uint32_t k = 0, want = d % kDocsPerTextBlock; p < end; ++k) {
    uint32_t tl = GetVarint(p);
    if (tl > static_cast<size_t>(end - p)) break;
    const char* t = reinterpret_cast<const char*>(p);
    p += tl;
    uint32_t bl = GetVarint(p);
    if (bl > static_cast<size_t>(end - p)) break;
    if (k == want) {
      title.assign(t, tl);
      body.assign(reinterpret_cast<const char*>(p), bl);
      return Status::Ok();
    }
    p += bl;
  }
  return Status::Error(StatusCode::kCorrupt, fmt::format("{}: text block {} lacks ad {}", path_, block, d));
}

}  // namespace lodestar::search
