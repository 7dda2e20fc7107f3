#include "ingest/field_names.h"

#include <fmt/format.h>

namespace lodestar::ingest {

const char* AdFieldName(AdField f) {
  static const char* kNames[] = {"id", "source", "url", "title", "body", "location", "posted", "crawled"};
  return kNames[static_cast<int>(f)];
}

std::vector<std::string> CandidateNames(AdField f, const FieldMap& map) {
  auto it = map.find(AdFieldName(f));
  if (it != map.end()) return {it->second};
  switch (f) {
    case AdField::kId:
      return {"id", "_id", "ad_id", "doc_id", "post_id", "uuid", "uid"};
    case AdField::kSource:
      return {"source", "site", "source_name", "domain", "team"};
    case AdField::kUrl:
      return {"url", "link", "ad_url", "uri", "href"};
    case AdField::kTitle:
      return {"title", "headline", "subject", "name"};
    case AdField::kBody:
      return {"body", "text", "content", "description", "extracted_text", "raw_text", "message", "post"};
    case AdField::kLocation:
      return {"location", "city", "loc", "place", "region", "area"};
    case AdField::kPosted:
      return {"posted", "date", "posted_date", "post_date", "posted_at", "created", "created_at", "datetime",
              "time", "timestamp"};
    case AdField::kCrawled:
      return {"crawled", "crawled_at", "crawl_time", "timestamp_crawl", "fetched", "fetched_at", "scraped_at"};
    case AdField::kCount:
      break;
  }
  return {};
}

core::Status ValidateFieldMap(const FieldMap& map) {
  for (const auto& [key, value] : map) {
    bool known = false;
    for (int i = 0; i < static_cast<int>(AdField::kCount); ++i)
      if (key == AdFieldName(static_cast<AdField>(i))) known = true;
    if (!known)
      return core::Status::Error(core::StatusCode::kInvalidInput,
                                 fmt::format("--map {}={}: unknown field '{}'; use one of id, source, url, title, "
                                             "body, location, posted, crawled",
                                             key, value, key));
    if (value.empty())
      return core::Status::Error(core::StatusCode::kInvalidInput,
                                 fmt::format("--map {}=: give the input field name after '='", key));
  }
  return core::Status::Ok();
}

void AssignTextFields(const FieldValues& value, core::Ad& ad) {
  ad.source_id.assign(value[int(AdField::kId)]);
  ad.source.assign(value[int(AdField::kSource)]);
  ad.url.assign(value[int(AdField::kUrl)]);
  ad.title.assign(value[int(AdField::kTitle)]);
  ad.body.assign(value[int(AdField::kBody)]);
  ad.location.assign(value[int(AdField::kLocation)]);
}

}  // namespace lodestar::ingest
