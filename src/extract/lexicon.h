// Lexicons (data/lexicon/*.tsv) compiled into one Hyperscan database.
//
// Three files, one scan: indicators.tsv (trafficking indicators, with source
// citations), commercial.tsv (services and venues: NOT indicators) and
// attributes.tsv (hair, eyes, ethnicity, nationality). Every pattern of every
// file is matched in a single Hyperscan pass over the normalised text; an
// indicator's optional `exclude` RE2 pattern is the precise second pass over a
// window around the hit.
//
// Hyperscan pays for every `\s+` / `\s*` between words (the literal before it, often a short common word, starts
// engine work at each occurrence). Normalised text nearly always has single white space bytes only, where `\s+`
// can only match one byte: the lexicon is also compiled in two narrower forms (see SpaceForm), and each text is
// scanned with the narrowest database that is exact for it; text with a run of white space gets the full one.
#pragma once

#include <hs.h>
#include <re2/re2.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace lodestar::extract {

enum class LexKind : uint8_t { kIndicator, kCommercial, kAttribute, kTrigger };

// Built-in trigger patterns scanned in the same Hyperscan pass: an extractor's
// RE2 pass runs only on fields where its trigger fired. (E-mail, URL, handle and
// payment passes are gated by byte-level checks instead: see extractor.cc.)
enum Trigger : uint32_t {
  kTrigAge = 1u << 0,
  kTrigMoney = 1u << 1,
  kTrigHeight = 1u << 6,
  kTrigWeight = 1u << 7,
  kTrigPlatformWord = 1u << 8,  // twitter, tweet, insta, snap, kik, telegram, whats, fans, skype or wechat occurs
};

// The age, money, height and weight triggers, exactly where these Hyperscan patterns (ASCII \b and \s) would
// match somewhere in `text`; computed in one pass over the words, as short words ending at \b cost the scan more
// than the rest of the lexicon together:
//   age     \b(age|aged|edad|tengo|i'?m|i\s+am|i\s+m)\b|(yrs?|years?|y/o|yo|y\.o|anos?)\b
//   money   \$|£|€|(usd|dollars?|roses?|rs|bucks|eur|euros?|gbp|donations?|rates?|gift|hr|hrs|hour|hourly|hrly|hh|qv|half)\b
//   height  '|(ft|feet|foot|cm)\b
//   weight  #|(lbs?|pounds|kg)\b
uint32_t WordTriggers(std::string_view text);

struct LexEntry {
  LexKind kind = LexKind::kIndicator;
  std::string id;        // indicator id, or "<kind>:<value>" for the others
  std::string category;  // indicator category, or attribute kind (venue, service, hair, ...)
  std::string value;     // attribute value; empty for indicators
  std::string pattern;
  std::unique_ptr<RE2> exclude;  // may be null
  std::unique_ptr<RE2> tail;     // the pattern anchored at the end: finds where a Hyperscan hit starts
  // For a pattern "\b(...)\b" made of ASCII lower-case letters, digits, - ' & /, \s+, \s*, groups, '|' and
  // optional bytes or groups, whose alternatives start and end with a letter or digit: the alternatives spelled
  // out, '+' standing for \s+ and '*' for \s* (e.g. "in+calls"), so Lexicon::HitStart finds where a hit starts
  // without RE2. Empty for every other pattern.
  std::vector<std::string> words;
  std::string source;
  uint32_t trigger_bit = 0;  // kTrigger entries: the Trigger bit
};

struct LexHit {
  uint32_t entry = 0;
  uint32_t from = 0, to = 0;  // normalised byte range
};

class Lexicon {
 public:
  ~Lexicon();
  // Loads and compiles the three files under `dir`. Errors name file and line.
  static core::Result<std::unique_ptr<Lexicon>> Load(const std::string& dir);

  const std::vector<LexEntry>& entries() const { return entries_; }
  // The database compiled from the patterns as written: exact on any text.
  const hs_database_t* database() const { return db_; }
  // The database Scan uses for `text`: the narrowest of the three that reports exactly what database() would.
  const hs_database_t* DatabaseFor(std::string_view text) const;
  int version() const { return version_; }
  size_t count(LexKind k) const;

  // Scans `text` and appends merged hits (overlapping hits of one entry become
  // one, the leftmost-longest) with excludes applied. `scratch` must come from
  // AllocScratch() on this lexicon and belongs to one thread.
  // Returns the mask of Trigger bits that fired.
  uint32_t Scan(std::string_view text, hs_scratch_t* scratch, std::vector<LexHit>& hits) const;
  // Where the leftmost match of `e`'s pattern that ends at `to` starts in `text` (what its tail pattern finds on
  // text[0, to), starting at most 200 bytes before `to`), or std::string_view::npos when there is none. Entries
  // with `words` are answered by comparing bytes (white space as RE2's \s), unless a non-ASCII byte stands where
  // one of their letters would (RE2's case folding maps a few of those to ASCII letters); the rest by RE2.
  static size_t HitStart(const LexEntry& e, std::string_view text, size_t to);
  hs_scratch_t* AllocScratch() const;

  // How a text's white space lets the patterns be narrowed: kSpaces when its only white space bytes are single
  // ' ' bytes (every \s is ' ', \s+ is one ' ', \s* at most one), kSingle when no two white space bytes ([\t\n\v\f\r ],
  // Hyperscan's \s) are adjacent (\s+ is one \s), kAny otherwise.
  enum class SpaceForm : uint8_t { kSpaces, kSingle, kAny };
  static SpaceForm SpaceFormOf(std::string_view text);
  // `pattern` rewritten to match exactly the same (start, end) spans as `pattern` on every text of `form`;
  // the pattern itself when it has a construct the rewrite does not handle.
  static std::string NarrowPattern(const std::string& pattern, SpaceForm form);

 private:
  std::vector<LexEntry> entries_;
  hs_database_t* db_ = nullptr;         // SpaceForm::kAny
  hs_database_t* spaces_db_ = nullptr;  // SpaceForm::kSpaces
  hs_database_t* single_db_ = nullptr;  // SpaceForm::kSingle
  int version_ = 0;
};

}  // namespace lodestar::extract
