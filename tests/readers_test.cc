// Tests of the CSV, WARC and HTML readers, HtmlToText and CDR decoding.
// Fixtures are written at run time; WARC fixtures come from a real wget crawl of
// a local python3 http.server.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/time.h"
#include "core/utf8.h"
#include "ingest/html_text.h"
#include "ingest/reader.h"
#include "io/memory_stream.h"

extern char** environ;

namespace lodestar::ingest {
namespace {

namespace fs = std::filesystem;

struct Quarantined {
  RawRecord record;
  core::Status status;
};

struct ReadResult {
  std::vector<core::Ad> ads;
  std::vector<RawRecord> records;  // of the ads, same order
  std::vector<Quarantined> quarantined;
  core::Status error;
};

ReadResult ReadAll(RecordReader& reader) {
  ReadResult out;
  std::unique_ptr<RecordDecoder> decoder;
  DecodeStats stats;
  RawRecord record;
  for (;;) {
    auto more = reader.Next(record);
    if (!more.ok()) {
      out.error = more.status();
      break;
    }
    if (!*more) break;
    if (!decoder) decoder = reader.NewDecoder();
    core::Ad ad;
    auto st = decoder->Decode(record, ad, stats);
    if (st.ok()) {
      EXPECT_TRUE(core::IsValidUtf8(ad.title) && core::IsValidUtf8(ad.body) && core::IsValidUtf8(ad.raw));
      out.ads.push_back(std::move(ad));
      out.records.push_back(record);
    } else {
      EXPECT_EQ(st.code(), core::StatusCode::kInvalidInput) << st.message();
      EXPECT_FALSE(st.message().empty());
      out.quarantined.push_back({record, st});
    }
  }
  return out;
}

ReadResult ReadFile(const std::string& path, Format format = Format::kAuto, const FieldMap& map = {}) {
  auto reader = OpenReader(path, format, map);
  EXPECT_TRUE(reader.ok()) << reader.status().message();
  if (!reader.ok()) return {};
  return ReadAll(**reader);
}

ReadResult ReadBytes(Format format, std::string bytes, const FieldMap& map = {}) {
  auto in = io::NewMemoryStream(std::move(bytes), "memory");
  std::unique_ptr<RecordReader> reader;
  switch (format) {
    case Format::kCsv: reader = NewCsvReader(std::move(in), map); break;
    case Format::kWarc: reader = NewWarcReader(std::move(in), map); break;
    case Format::kHtml: reader = NewHtmlReader(std::move(in), map); break;
    default: reader = NewJsonLinesReader(std::move(in), map); break;
  }
  return ReadAll(*reader);
}

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "lodestar-readers-XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string Write(const std::string& name, std::string_view bytes) const {
    std::string p = (fs::path(path_) / name).string();
    fs::create_directories(fs::path(p).parent_path());
    std::ofstream(p, std::ios::binary).write(bytes.data(), bytes.size());
    return p;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string Gzip(std::string_view data) {
  z_stream zs{};
  deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&zs, data.size()) + 64, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = data.size();
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = out.size();
  EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

int Shell(const std::string& command) {
  int rc = std::system(command.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

bool HaveTool(const std::string& tool) { return Shell("command -v " + tool + " >/dev/null 2>&1") == 0; }

bool Contains(std::string_view hay, std::string_view needle) { return hay.find(needle) != std::string_view::npos; }

// ---- JSON decoder ------------------------------------------------------------

core::Status DecodeOne(RecordDecoder& decoder, std::string bytes, core::Ad& ad, DecodeStats& stats) {
  RawRecord record;
  record.bytes = std::move(bytes);
  ad = core::Ad();
  return decoder.Decode(record, ad, stats);
}

TEST(JsonDecoder, BestRankedNameWinsInAnyOrderAndNonScalarsAreSkipped) {
  auto decoder = NewJsonDecoder({});
  DecodeStats stats;
  core::Ad ad;
  ASSERT_TRUE(DecodeOne(*decoder, R"({"text":"second choice","headline":"H","body":"first choice","title":"T"})", ad,
                        stats).ok());
  EXPECT_EQ(ad.body, "first choice");
  EXPECT_EQ(ad.title, "T");
  ASSERT_TRUE(DecodeOne(*decoder, R"({"body":"first choice","text":"second choice","name":"N"})", ad, stats).ok());
  EXPECT_EQ(ad.body, "first choice");
  EXPECT_EQ(ad.title, "N");
  // An object under a better name is kept in raw only; the next name fills the field.
  ASSERT_TRUE(DecodeOne(*decoder, R"({"body":{"x":1},"text":"plain","id":42,"date":"2017-03-20"})", ad, stats).ok());
  EXPECT_EQ(ad.body, "plain");
  EXPECT_EQ(ad.source_id, "42");
  EXPECT_NE(ad.posted, 0);
  EXPECT_EQ(stats.utf8_repairs, 0u);
  // A field map replaces the candidate names of its field.
  auto mapped = NewJsonDecoder({{"body", "words"}});
  ASSERT_TRUE(DecodeOne(*mapped, R"({"body":"ignored","words":"chosen"})", ad, stats).ok());
  EXPECT_EQ(ad.body, "chosen");
}

TEST(JsonDecoder, InvalidUtf8IsRepairedAndCountedValidOrNot) {
  auto decoder = NewJsonDecoder({});
  DecodeStats stats;
  core::Ad ad;
  ASSERT_TRUE(DecodeOne(*decoder, "{\"title\":\"caf\xff\",\"body\":\"ok\"}", ad, stats).ok());
  EXPECT_EQ(ad.title, "caf\xEF\xBF\xBD");
  EXPECT_TRUE(core::IsValidUtf8(ad.raw));
  EXPECT_EQ(stats.utf8_repairs, 1u);
  // Malformed JSON with invalid bytes: still repaired (and counted) before the JSON error is reported.
  auto st = DecodeOne(*decoder, "{\"title\":\"a\xfe\", body}", ad, stats);
  EXPECT_FALSE(st.ok());
  EXPECT_TRUE(Contains(st.message(), "malformed JSON")) << st.message();
  EXPECT_EQ(stats.utf8_repairs, 2u);
  st = DecodeOne(*decoder, "{\"title\": }", ad, stats);
  EXPECT_TRUE(Contains(st.message(), "malformed JSON")) << st.message();
  EXPECT_EQ(stats.utf8_repairs, 2u);
  // The decoder stays usable after errors.
  ASSERT_TRUE(DecodeOne(*decoder, R"({"title":"again","body":"fine"})", ad, stats).ok());
  EXPECT_EQ(ad.body, "fine");
}

// ---- CSV ---------------------------------------------------------------------

TEST(CsvReader, QuotesNewlinesBomCrlf) {
  std::string csv =
      "\xEF\xBB\xBFid,Title,body,city,posted\r\n"
      "a1,\"Hello, world\",\"line one\r\nline two\",Springfield,2020-01-02\r\n"
      "a2,Plain,\"She said \"\"hi\"\"\",Shelbyville,\r\n"
      "\r\n"
      "a3,,only body,,\r\n";
  auto r = ReadBytes(Format::kCsv, csv);
  ASSERT_TRUE(r.error.ok()) << r.error.message();
  ASSERT_EQ(r.ads.size(), 3u);
  EXPECT_TRUE(r.quarantined.empty());
  EXPECT_EQ(r.ads[0].source_id, "a1");
  EXPECT_EQ(r.ads[0].title, "Hello, world");
  EXPECT_EQ(r.ads[0].body, "line one\r\nline two");
  EXPECT_EQ(r.ads[0].location, "Springfield");
  EXPECT_EQ(r.ads[0].posted, core::ParseTimestamp("2020-01-02").value());
  EXPECT_EQ(r.ads[1].body, "She said \"hi\"");
  EXPECT_EQ(r.ads[1].posted, 0);
  EXPECT_EQ(r.ads[2].title, "");
  EXPECT_EQ(r.ads[2].body, "only body");
  // Line numbers: the record spanning lines 2-3 is line 2; the blank line 5 is skipped.
  EXPECT_EQ(r.records[0].line, 2u);
  EXPECT_EQ(r.records[1].line, 4u);
  EXPECT_EQ(r.records[2].line, 6u);
  EXPECT_EQ(r.records[0].byte_offset, csv.find("a1,"));
  EXPECT_EQ(r.records[2].byte_offset, csv.find("a3,"));
  // raw is a JSON object keyed by the header.
  auto raw = nlohmann::json::parse(r.ads[0].raw);
  EXPECT_EQ(raw["Title"], "Hello, world");
  EXPECT_EQ(raw["body"], "line one\r\nline two");
  EXPECT_EQ(raw["id"], "a1");
}

TEST(CsvReader, RaggedRowsAreQuarantinedNeighboursDecode) {
  auto r = ReadBytes(Format::kCsv, "id,title,body\n1,t1,b1\n2,t2,b2,extra\n3,t3\n4,t4,b4\n");
  ASSERT_TRUE(r.error.ok());
  ASSERT_EQ(r.ads.size(), 2u);
  EXPECT_EQ(r.ads[0].source_id, "1");
  EXPECT_EQ(r.ads[1].source_id, "4");
  ASSERT_EQ(r.quarantined.size(), 2u);
  EXPECT_TRUE(Contains(r.quarantined[0].status.message(), "4 fields but the header has 3"))
      << r.quarantined[0].status.message();
  EXPECT_TRUE(Contains(r.quarantined[1].status.message(), "2 fields but the header has 3"));
  EXPECT_EQ(r.quarantined[0].record.line, 3u);
  EXPECT_EQ(r.quarantined[1].record.line, 4u);
}

TEST(CsvReader, UnterminatedQuoteQuarantinesOneLineAndReadsOn) {
  auto r = ReadBytes(Format::kCsv, "id,title,body\n1,a,b\n2,\"broken,c\n3,x,y\n4,p,q\n");
  ASSERT_TRUE(r.error.ok());
  ASSERT_EQ(r.ads.size(), 3u);
  EXPECT_EQ(r.ads[0].source_id, "1");
  EXPECT_EQ(r.ads[1].source_id, "3");
  EXPECT_EQ(r.ads[2].source_id, "4");
  ASSERT_EQ(r.quarantined.size(), 1u);
  EXPECT_EQ(r.quarantined[0].record.line, 3u);
  EXPECT_TRUE(Contains(r.quarantined[0].status.message(), "unterminated quoted field"));
  // The same at the very end of the file, with no newline after it.
  r = ReadBytes(Format::kCsv, "id,title\n1,a\n2,\"open");
  ASSERT_EQ(r.ads.size(), 1u);
  ASSERT_EQ(r.quarantined.size(), 1u);
}

TEST(CsvReader, UnterminatedQuoteDoesNotSwallowHugeRest) {
  // 17 MiB of well-formed rows after a quote that never closes: the reader gives up
  // on the open quote at 16 MiB, quarantines its line and decodes every row after it.
  std::string csv = "id,body\n0,\"never closed\n";
  const int rows = 17 * 1024 * 1024 / 32;
  for (int i = 1; i <= rows; ++i) csv += fmt::format("{},row text {:020}\n", i, i);
  auto r = ReadBytes(Format::kCsv, std::move(csv));
  ASSERT_TRUE(r.error.ok());
  ASSERT_EQ(r.quarantined.size(), 1u);
  EXPECT_EQ(r.quarantined[0].record.line, 2u);
  EXPECT_EQ(r.ads.size(), size_t(rows));
  EXPECT_EQ(r.records.back().line, uint64_t(rows) + 2);
}

TEST(CsvReader, DelimiterDetectionAndFieldMap) {
  auto tsv = ReadBytes(Format::kCsv, "ID\tHeadline\tDescription\n7\tA, B; C\tsome text\n");
  ASSERT_EQ(tsv.ads.size(), 1u);
  EXPECT_EQ(tsv.ads[0].source_id, "7");
  EXPECT_EQ(tsv.ads[0].title, "A, B; C");
  EXPECT_EQ(tsv.ads[0].body, "some text");
  auto semi = ReadBytes(Format::kCsv, "id;title;notes\n8;\"x;y\";hello\n", {{"body", "notes"}});
  ASSERT_EQ(semi.ads.size(), 1u);
  EXPECT_EQ(semi.ads[0].title, "x;y");
  EXPECT_EQ(semi.ads[0].body, "hello");
  auto none = ReadBytes(Format::kCsv, "id,notes\n1,hello\n");
  ASSERT_EQ(none.quarantined.size(), 1u);
  EXPECT_TRUE(Contains(none.quarantined[0].status.message(), "--map body="));
}

TEST(CsvReader, CompressedFiles) {
  if (!HaveTool("gzip") || !HaveTool("zstd")) FAIL() << "gzip and zstd command-line tools are needed (apt-get install gzip zstd)";
  TempDir dir;
  std::string csv = "id,title,body\n";
  for (int i = 0; i < 5000; ++i) csv += fmt::format("{},title {},\"body {}\nsecond line\"\n", i, i, i);
  for (const char* name : {"ads.csv", "ads2.csv"}) dir.Write(name, csv);
  ASSERT_EQ(Shell("gzip -q " + dir.path() + "/ads.csv"), 0);
  ASSERT_EQ(Shell("zstd -q --rm " + dir.path() + "/ads2.csv"), 0);
  for (const char* name : {"ads.csv.gz", "ads2.csv.zst"}) {
    auto r = ReadFile(dir.path() + "/" + name);
    ASSERT_TRUE(r.error.ok()) << r.error.message();
    ASSERT_EQ(r.ads.size(), 5000u) << name;
    EXPECT_EQ(r.ads[4999].title, "title 4999");
    EXPECT_EQ(r.ads[4999].body, "body 4999\nsecond line");
    EXPECT_EQ(r.records[4999].line, 2u + 2 * 4999);
  }
}

TEST(CsvReader, RealCountryFileReadsEveryRow) {
  std::string path = std::string(LODESTAR_SHARED_DATA) + "/countries/unodc-glotip-2023.csv";
  ASSERT_TRUE(fs::exists(path)) << path << " is missing";
  std::ifstream f(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  size_t lines = std::count(bytes.begin(), bytes.end(), '\n');
  auto r = ReadFile(path, Format::kAuto, {{"body", "Country"}, {"location", "Region"}});
  ASSERT_TRUE(r.error.ok()) << r.error.message();
  // Every row is read; the rows with an empty Country column have no text and are quarantined.
  EXPECT_EQ(r.ads.size() + r.quarantined.size(), lines - 1);
  EXPECT_GT(r.ads.size(), r.quarantined.size());
  for (const auto& q : r.quarantined) ASSERT_TRUE(Contains(q.status.message(), "row has no text")) << q.status.message();
  EXPECT_FALSE(r.ads.front().body.empty());
  EXPECT_EQ(nlohmann::json::parse(r.ads.front().raw).size(), 13u);
}

// ---- WARC --------------------------------------------------------------------

std::string WarcRecord(const std::string& type, const std::string& uri, const std::string& content_type,
                       const std::string& block, std::optional<size_t> length = std::nullopt) {
  std::string h = "WARC/1.1\r\nWARC-Type: " + type + "\r\nWARC-Record-ID: <urn:uuid:x>\r\n" +
                  "WARC-Date: 2021-06-01T12:00:00Z\r\n";
  if (!uri.empty()) h += "WARC-Target-URI: " + uri + "\r\n";
  h += "Content-Type: " + content_type + "\r\n";
  h += "Content-Length: " + std::to_string(length.value_or(block.size())) + "\r\n\r\n";
  return h + block + "\r\n\r\n";
}

std::string HttpResponse(const std::string& headers, const std::string& body, int status = 200) {
  return "HTTP/1.1 " + std::to_string(status) + " X\r\n" + headers + "\r\n" + body;
}

std::string HandWrittenWarc() {
  std::string page1 = "<html><head><title>Chunked ad</title></head><body><p>Sunny room for rent</p></body></html>";
  std::string chunked;
  for (size_t i = 0; i < page1.size(); i += 17) {
    std::string piece = page1.substr(i, 17);
    chunked += fmt::format("{:x};ext=1\r\n{}\r\n", piece.size(), piece);
  }
  chunked += "0\r\n\r\n";
  std::string page2 = "<html><title>Gzip ad</title><div>Bicycle for sale</div><script>var x=1;</script></html>";
  std::string w;
  w += WarcRecord("warcinfo", "", "application/warc-fields", "software: hand\r\n");
  w += WarcRecord("request", "http://ads.example/one", "application/http; msgtype=request",
                  "GET /one HTTP/1.1\r\nHost: ads.example\r\n\r\n");
  w += WarcRecord("response", "http://ads.example/one", "application/http; msgtype=response",
                  HttpResponse("Content-Type: text/html; charset=utf-8\r\nTransfer-Encoding: chunked\r\n", chunked));
  w += WarcRecord("response", "<http://Ads.Example:8080/two?x=1>", "application/http;msgtype=response",
                  HttpResponse("Content-Type: text/html\r\nContent-Encoding: gzip\r\n", Gzip(page2)));
  w += WarcRecord("response", "http://ads.example/missing", "application/http; msgtype=response",
                  HttpResponse("Content-Type: text/html\r\n", "<html>Not found</html>", 404));
  w += WarcRecord("response", "http://ads.example/logo.png", "application/http; msgtype=response",
                  HttpResponse("Content-Type: image/png\r\n", "\x89PNG\r\n\x1a\n"));
  w += WarcRecord("metadata", "http://ads.example/one", "application/warc-fields", "outlink: x\r\n");
  w += WarcRecord("resource", "file:///saved/three.html", "text/html",
                  "<html><title>Resource ad</title><p>Caf\xC3\xA9 job</p></html>");
  return w;
}

TEST(WarcReader, HandWrittenChunkedGzipAndSkips) {
  auto r = ReadBytes(Format::kWarc, HandWrittenWarc());
  ASSERT_TRUE(r.error.ok()) << r.error.message();
  EXPECT_TRUE(r.quarantined.empty());
  ASSERT_EQ(r.ads.size(), 3u);
  EXPECT_EQ(r.ads[0].url, "http://ads.example/one");
  EXPECT_EQ(r.ads[0].source, "ads.example");
  EXPECT_EQ(r.ads[0].title, "Chunked ad");
  EXPECT_EQ(r.ads[0].body, "Sunny room for rent");
  EXPECT_EQ(r.ads[0].source_id, "");
  EXPECT_EQ(r.ads[0].crawled, core::ParseTimestamp("2021-06-01T12:00:00Z").value());
  EXPECT_TRUE(Contains(r.ads[0].raw, "WARC-Type: response"));
  EXPECT_TRUE(Contains(r.ads[0].raw, "Transfer-Encoding: chunked"));
  EXPECT_TRUE(Contains(r.ads[0].raw, "<p>Sunny room for rent</p>"));
  EXPECT_EQ(r.ads[1].url, "http://Ads.Example:8080/two?x=1");
  EXPECT_EQ(r.ads[1].source, "ads.example");
  EXPECT_EQ(r.ads[1].title, "Gzip ad");
  EXPECT_EQ(r.ads[1].body, "Bicycle for sale");
  EXPECT_EQ(r.ads[2].title, "Resource ad");
  EXPECT_EQ(r.ads[2].body, "Caf\xC3\xA9 job");
  // Record numbers count every record, skipped or not.
  EXPECT_EQ(r.records[0].line, 3u);
  EXPECT_EQ(r.records[1].line, 4u);
  EXPECT_EQ(r.records[2].line, 8u);
}

TEST(WarcReader, TruncatedFileYieldsGoodRecordsThenError) {
  std::string w = HandWrittenWarc();
  size_t cut = w.find("Resource ad");  // inside the last record's block
  ASSERT_NE(cut, std::string::npos);
  auto r = ReadBytes(Format::kWarc, w.substr(0, cut));
  ASSERT_EQ(r.ads.size(), 2u);
  EXPECT_EQ(r.error.code(), core::StatusCode::kCorrupt);
  EXPECT_TRUE(Contains(r.error.message(), "memory")) << r.error.message();
  EXPECT_TRUE(Contains(r.error.message(), fmt::format("byte offset {}", w.rfind("WARC/1.1", cut))))
      << r.error.message();
  // Cut inside a header, too.
  r = ReadBytes(Format::kWarc, w.substr(0, w.rfind("Content-Length", cut)));
  EXPECT_EQ(r.ads.size(), 2u);
  EXPECT_EQ(r.error.code(), core::StatusCode::kCorrupt);
}

TEST(WarcReader, WrongContentLengthIsQuarantinedAndReadingResumes) {
  std::string good = WarcRecord("resource", "http://a.example/1", "text/html", "<p>first page</p>");
  std::string bad = WarcRecord("resource", "http://a.example/2", "text/html", "<p>second page, long</p>", 5);
  std::string nolength = "WARC/1.0\r\nWARC-Type: resource\r\nContent-Type: text/html\r\n\r\n<p>x</p>\r\n\r\n";
  std::string last = WarcRecord("resource", "http://a.example/3", "text/html", "<p>third page</p>");
  auto r = ReadBytes(Format::kWarc, good + bad + nolength + "garbage line\r\n" + last);
  ASSERT_TRUE(r.error.ok()) << r.error.message();
  ASSERT_EQ(r.ads.size(), 2u);
  EXPECT_EQ(r.ads[0].body, "first page");
  EXPECT_EQ(r.ads[1].body, "third page");
  ASSERT_EQ(r.quarantined.size(), 2u);
  EXPECT_TRUE(Contains(r.quarantined[0].status.message(), "Content-Length says 5"))
      << r.quarantined[0].status.message();
  EXPECT_TRUE(Contains(r.quarantined[1].status.message(), "Content-Length")) << r.quarantined[1].status.message();
  // Garbage with no record after it is an error naming the offset.
  r = ReadBytes(Format::kWarc, good + "this is not a WARC file\n");
  EXPECT_EQ(r.ads.size(), 1u);
  EXPECT_EQ(r.error.code(), core::StatusCode::kCorrupt);
  EXPECT_TRUE(Contains(r.error.message(), fmt::format("byte offset {}", good.size()))) << r.error.message();
}

// A python3 http.server on a free local port, stopped on destruction.
class HttpServer {
 public:
  explicit HttpServer(const std::string& root) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    getsockname(s, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    close(s);
    std::string port = std::to_string(port_);
    std::vector<std::string> args = {"python3", "-m", "http.server", port, "--bind", "127.0.0.1", "--directory", root};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    if (posix_spawnp(&pid_, "python3", &actions, nullptr, argv.data(), environ) != 0) pid_ = 0;
    posix_spawn_file_actions_destroy(&actions);
    for (int i = 0; pid_ && i < 200 && !ready_; ++i) {  // up to 20 s for python to start
      int c = socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in to{};
      to.sin_family = AF_INET;
      to.sin_port = htons(port_);
      to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      ready_ = connect(c, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0;
      close(c);
      if (!ready_) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  ~HttpServer() {
    if (pid_) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
  }
  bool ready() const { return ready_; }
  int port() const { return port_; }

 private:
  pid_t pid_ = 0;
  int port_ = 0;
  bool ready_ = false;
};

TEST(WarcReader, RealWgetCrawl) {
  ASSERT_TRUE(HaveTool("wget")) << "wget is needed to build the WARC fixture (apt-get install wget)";
  ASSERT_TRUE(HaveTool("python3")) << "python3 is needed to serve the WARC fixture (apt-get install python3)";
  TempDir dir;
  dir.Write("site/index.html",
            "<!DOCTYPE html><html><head><title>Listings</title></head><body><h1>Listings</h1>"
            "<ul><li><a href=\"ad1.html\">Room</a></li><li><a href=\"ad2.html\">Car</a></li></ul></body></html>");
  dir.Write("site/ad1.html",
            "<!DOCTYPE html><html><head><title>Quiet room near the park</title>"
            "<style>body{color:red}</style><script>track('x')</script></head>"
            "<body><div class=\"ad\"><p>Quiet room, &amp; utilities included.</p><p>Call after 5pm.</p></div>"
            "</body></html>");
  dir.Write("site/ad2.html",
            "<html><head><meta charset=\"utf-8\"><title>Used car &ndash; low miles</title></head>"
            "<body><table><tr><td>Price</td><td>4000</td></tr></table><!-- internal note --></body></html>");
  HttpServer server(dir.path() + "/site");
  ASSERT_TRUE(server.ready()) << "python3 -m http.server did not start on 127.0.0.1:" << server.port();
  std::string base = fmt::format("http://127.0.0.1:{}/", server.port());
  int rc = Shell(fmt::format("cd {} && wget -q --no-proxy --warc-file={}/crawl -r -l1 -P {}/mirror {} >/dev/null 2>&1",
                           dir.path(), dir.path(), dir.path(), base));
  std::string warc = dir.path() + "/crawl.warc.gz";
  ASSERT_TRUE(fs::exists(warc)) << "wget wrote no WARC file (exit status " << rc << ")";

  auto r = ReadFile(warc);
  ASSERT_TRUE(r.error.ok()) << r.error.message();
  EXPECT_TRUE(r.quarantined.empty());
  std::map<std::string, core::Ad> by_url;
  for (auto& ad : r.ads) by_url[ad.url] = ad;
  ASSERT_EQ(by_url.size(), 3u);
  ASSERT_TRUE(by_url.count(base));
  ASSERT_TRUE(by_url.count(base + "ad1.html"));
  ASSERT_TRUE(by_url.count(base + "ad2.html"));
  const core::Ad& ad1 = by_url[base + "ad1.html"];
  EXPECT_EQ(ad1.title, "Quiet room near the park");
  EXPECT_EQ(ad1.body, "Quiet room, & utilities included.\nCall after 5pm.");
  EXPECT_EQ(ad1.source, "127.0.0.1");
  EXPECT_TRUE(ad1.source_id.empty());
  EXPECT_NEAR(double(ad1.crawled), double(std::time(nullptr)), 3600.0);
  EXPECT_TRUE(Contains(ad1.raw, "WARC-Target-URI: <" + base + "ad1.html>"));  // wget writes <uri>
  EXPECT_TRUE(Contains(ad1.raw, "HTTP/1.0 200"));
  const core::Ad& ad2 = by_url[base + "ad2.html"];
  EXPECT_EQ(ad2.title, "Used car \xE2\x80\x93 low miles");
  EXPECT_EQ(ad2.body, "Price 4000");
  EXPECT_EQ(by_url[base].title, "Listings");
  EXPECT_EQ(by_url[base].body, "Listings\nRoom\nCar");
}

// ---- HTML --------------------------------------------------------------------

TEST(HtmlReader, TextTitleEntitiesCanonical) {
  TempDir dir;
  std::string path = dir.Write("page.html",
                               "<!doctype html><html><head><title>  Tom &amp; Jerry\n  show </title>"
                               "<link rel=\"alternate canonical\" href=\" https://ads.example/p/1 \">"
                               "<meta property=\"og:url\" content=\"https://ads.example/og\">"
                               "<style>p { color: red }</style><script>var secret = 1;</script></head>"
                               "<body><noscript>enable js</noscript><template><p>hidden</p></template>"
                               "<h1>Caf&eacute; &lt;open&gt;</h1><!-- a comment -->"
                               "<p>First   paragraph\n with   spaces&nbsp;here</p><p>Second<br>line</p>"
                               "<ul><li>one</li><li>two</li></ul><span>inline</span> <b>bold</b>&#x263A;</body></html>");
  auto r = ReadFile(path);
  ASSERT_TRUE(r.error.ok());
  ASSERT_EQ(r.ads.size(), 1u);
  const auto& ad = r.ads[0];
  EXPECT_EQ(ad.title, "Tom & Jerry show");
  EXPECT_EQ(ad.url, "https://ads.example/p/1");
  EXPECT_EQ(ad.source, "ads.example");
  EXPECT_EQ(ad.body,
            "Caf\xC3\xA9 <open>\nFirst paragraph with spaces here\nSecond\nline\none\ntwo\ninline bold\xE2\x98\xBA");
  EXPECT_EQ(r.records[0].line, 1u);
  EXPECT_TRUE(Contains(ad.raw, "<script>var secret"));

  auto og = HtmlToText("<meta property='og:url' content='https://ads.example/og'><p>x</p>");
  EXPECT_EQ(og.url, "https://ads.example/og");
}

TEST(HtmlReader, DeepNestingDoesNotCrash) {
  std::string html;
  for (int i = 0; i < 100000; ++i) html += "<div>";
  html += "deep text";
  for (int i = 0; i < 100000; ++i) html += "</div>";
  html += "<p>after</p>";
  auto r = ReadBytes(Format::kHtml, html);
  ASSERT_EQ(r.ads.size(), 1u);
  EXPECT_EQ(r.ads[0].body, "deep text\nafter");
  // Unclosed, mixed inline elements.
  std::string messy;
  for (int i = 0; i < 50000; ++i) messy += i % 2 ? "<b>" : "<span><i>x";
  EXPECT_FALSE(HtmlToText(messy).text.empty());
}

TEST(HtmlToText, InvalidUtf8AndEmpty) {
  auto t = HtmlToText("<title>bad \xFF\xFE bytes</title><p>caf\xE9</p>");
  EXPECT_TRUE(core::IsValidUtf8(t.title));
  EXPECT_TRUE(core::IsValidUtf8(t.text));
  EXPECT_TRUE(Contains(t.text, "caf\xEF\xBF\xBD"));
  auto r = ReadBytes(Format::kHtml, "");
  EXPECT_EQ(r.ads.size(), 0u);
  EXPECT_EQ(r.quarantined.size(), 1u);
}

// ---- CDR ---------------------------------------------------------------------

TEST(CdrDocument, RawContentGivesTitleAndBody) {
  auto decoder = NewJsonDecoder({});
  RawRecord record;
  record.bytes =
      R"({"_id":"cdr-1","url":"http://ads.example/x","team":"crawler",)"
      R"("raw_content":"<html><head><title>CDR &amp; page</title><script>x()</script></head>)"
      R"(<body><div>Line one</div><div>Line two</div></body></html>"})";
  core::Ad ad;
  DecodeStats stats;
  auto st = decoder->Decode(record, ad, stats);
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(ad.source_id, "cdr-1");
  EXPECT_EQ(ad.source, "crawler");
  EXPECT_EQ(ad.title, "CDR & page");
  EXPECT_EQ(ad.body, "Line one\nLine two");
}

// ---- Garbage -----------------------------------------------------------------

TEST(AllReaders, RandomGarbageIsRejectedNotCrashed) {
  std::mt19937_64 rng(42);
  for (int round = 0; round < 200; ++round) {
    std::string bytes(rng() % 5000, '\0');
    for (auto& c : bytes) c = static_cast<char>(rng());
    if (round % 4 == 1) bytes = "WARC/1.0\r\nContent-Length: 10\r\n\r\n" + bytes;
    if (round % 4 == 2) bytes = "a,\"b\",c\n" + bytes;
    for (Format f : {Format::kJsonLines, Format::kCsv, Format::kWarc, Format::kHtml}) {
      auto r = ReadBytes(f, bytes);
      if (f == Format::kWarc && !bytes.empty()) {
        EXPECT_TRUE(!r.error.ok() || !r.quarantined.empty() || !r.ads.empty());
      }
      if (f == Format::kJsonLines) {
        EXPECT_TRUE(r.ads.empty());
      }
    }
  }
}

}  // namespace
}  // namespace lodestar::ingest
