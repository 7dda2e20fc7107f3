// libFuzzer target: the tip / decision / screening / person request parsers
// and validators of the case API (src/cases/request_json.cc). They face the
// network, so any input must give either a value or a FieldError — never a
// crash, a hang, an exception or undefined behaviour.
//
// The case sources are compiled into this target directly (fuzz/run.sh links
// only core/io/ingest objects); they need nothing but nlohmann-json and core.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cases/identifiers.cc"
#include "cases/model.cc"
#include "cases/request_json.cc"
#include "cases/screening.cc"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace lodestar::cases;
  std::string_view body(reinterpret_cast<const char*>(data), size);
  auto tip = ParseTipJson(body);
  if (auto* t = std::get_if<TipInput>(&tip)) {
    // A valid tip must survive the rest of intake's pure steps.
    (void)TriageTip(*t);
    (void)FindIdentifiers(t->text);
    for (const auto& p : t->phones)
      if (NormalizePhone(p).empty()) __builtin_trap();  // validation promised a phone
  }
  (void)ParseDecisionJson(body);
  auto s = ParseScreeningJson(body);
  if (auto* in = std::get_if<ScreeningInput>(&s)) (void)Assess(*in, in->age);
  (void)ParsePersonJson(body);
  (void)ErrorJson(std::string(body.substr(0, 64)), "x");
  return 0;
}
