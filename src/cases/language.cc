#include "cases/language.h"

#include <cld2/public/compact_lang_det.h>

namespace lodestar::cases {

DetectedLanguage DetectLanguage(std::string_view text) {
  DetectedLanguage out;
  if (text.size() < 8) return out;
  bool reliable = false;
  int valid_prefix = 0;
  // The CheckUTF8 variant: tips come from the network, so never trust the encoding.
  CLD2::Language lang = CLD2::DetectLanguageCheckUTF8(text.data(), static_cast<int>(text.size()),
                                                      /*is_plain_text=*/true, &reliable, &valid_prefix);
  if (lang == CLD2::UNKNOWN_LANGUAGE || !reliable) return out;
  const char* code = CLD2::LanguageCode(lang);
  if (!code || !*code) return out;
  out.tag = code;
  out.reliable = true;
  return out;
}

}  // namespace lodestar::cases
