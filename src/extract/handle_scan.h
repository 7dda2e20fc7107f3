// Platform handle scanner: a hand-written equivalent of one RE2 pattern, as price_scan.h is for prices.
//
// Contract: ScanPlatformHandles reports exactly what successive RE2 searches of kPlatformHandlePattern over the
// whole text report (leftmost-first, each next search starting where the last match ended, at most 4,096
// matches), every capture group with the same span. Held to it by `ExtractShortcuts.ScannersFindWhatRe2Finds`,
// which compiles the pattern (nothing else does).
#pragma once

#include <string_view>
#include <string>
#include <vector>

#include "extract/price_scan.h"  // GroupMatch
#include "extract/windows.h"

namespace lodestar::extract {

// Group 1 the platform name, 2 the handle after it (filler words and marks between: "kik me: mia_x", "only fans
// @mia"). Filler words must end at a word boundary: "kik mercedes_x" is "mercedes_x", not "rcedes_x" after "me".
inline constexpr char kPlatformHandlePattern[] =
    "\\b(twitter|tweet\\s+me|instagram|insta|snapchat|snap|kik|telegram|whats\\s*app|whatsapp|onlyfans|only\\s*fans|"
    "fansly|skype|wechat)\\b"
    "(?:\\s*(?:(?:me|handle|name|id|username|user|account|page|is|at|on)\\b|[:=@>|-]))*\\s*@?\\s*"
    "([a-z0-9_][a-z0-9_.]{1,29})";
inline constexpr int kPlatformHandleGroups = 3;

// Appends the matches of kPlatformHandlePattern in `text` to `out` (not cleared). Linear time.
void ScanPlatformHandles(std::string_view text, std::vector<GroupMatch>& out);

// E-mail addresses, URLs and @mentions: hand-written equivalents of three more of extractor.cc's RE2 patterns, under
// the contract above (every match of successive whole-text searches, every group's span, in order). An RE2 search
// with groups costs 4-9k instructions per match found, these a few hundred. Held to the patterns by
// extract_web_fast_test, which compiles them as extractor.cc does.

// The top-level domains both patterns accept, as an RE2 alternation in the order they are tried (co\.uk before co).
inline constexpr char kTldAlternation[] =
    "com|net|org|edu|gov|info|biz|co\\.uk|co|us|uk|ca|mx|me|io|ru|de|fr|es|it|in|au|xyz|ly|tv|cc|nl|ch|ir|ua|za|br|ar|cl|"
    "pe|ph|th|jp|kr|cn|hk|sg|my|nz|ie|be|at|pl|cz|se|no|dk|fi|pt|gr|tr|il|ae|xxx|club|site|online|live|app";

// The RE2 patterns the e-mail and URL scanners are held to (extract_web_fast_test; the URL one also by the
// windows test hook, prechecks.h).
std::string EmailPattern();
std::string UrlPattern();

// The e-mail pattern (EmailPattern()): groups 1 local part, 2 separator ('@', "(at)", " at "
// ...), 3 domain, 4 dot separator ('.', "(dot)", " dot " ...), 5 TLD.
inline constexpr int kEmailGroups = 6;
// Fills g[0..5] with the pattern's match that starts at s, as RE2::Match anchored at s on the whole of t reports it;
// false when there is none.
bool EmailMatchAt(std::string_view t, size_t s, re2::StringPiece* g);
// Appends the e-mail pattern's matches in t to `out` (not cleared).
void ScanEmails(std::string_view t, std::vector<GroupMatch>& out);

// The URL pattern (UrlPattern()): group 1 an http(s):// or www. URL, else group 2 a bare
// domain and group 3 its optional path.
inline constexpr int kUrlGroups = 4;
// As EmailMatchAt, for the URL pattern.
bool UrlMatchAt(std::string_view t, size_t s, re2::StringPiece* g);
// Appends the URL pattern's matches in t to `out` (not cleared), given `url_windows` = UrlWindows(t) (windows.h),
// which hold every match.
void ScanUrls(std::string_view t, const std::vector<Window>& url_windows, std::vector<GroupMatch>& out);

// The mention pattern (?:^|[^a-z0-9_.@$])@\s?([a-z0-9_][a-z0-9_]{1,29})\b: group 1 the handle.
inline constexpr char kMentionPattern[] = "(?:^|[^a-z0-9_.@$])@\\s?([a-z0-9_][a-z0-9_]{1,29})\\b";
inline constexpr int kMentionGroups = 2;
// Appends the mention pattern's matches in t to `out` (not cleared).
void ScanMentions(std::string_view t, std::vector<GroupMatch>& out);

// The short handle pattern: an abbreviation (group 1), ':' or '@', then the handle (group 2).
inline constexpr char kShortHandlePattern[] = "\\b(ig|sc|tw|of|tg|wa)\\s*[:@]\\s*@?\\s*([a-z0-9_][a-z0-9_.]{1,29})";
inline constexpr int kShortHandleGroups = 3;
// Appends the short handle pattern's matches in t to `out` (not cleared).
void ScanShortHandles(std::string_view t, std::vector<GroupMatch>& out);

}  // namespace lodestar::extract
