// HTML to text with gumbo.
//
// gumbo 0.10 builds its tree in time proportional to (elements x open-element
// depth) and, unless told otherwise, copies the whole open-element stack into
// every parse error it records: 20k nested <div>s cost 3 GB and 100k never
// finish. So errors are not recorded, and documents nested deeper than
// kMaxNesting are flattened by a cheap pre-scan before gumbo sees them. The tree
// walk uses an explicit stack so depth never touches the call stack.
#include <gumbo.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/utf8.h"
#include "ingest/html_text.h"

namespace lodestar::ingest {
namespace {

// Open elements (counted as the pre-scan counts them) beyond which tags are dropped.
constexpr int kMaxNesting = 256;

bool IsAsciiSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }
bool IsAsciiAlpha(char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// ---- Nesting limiter ---------------------------------------------------------

// Elements whose contents are not markup: the scan jumps to their end tag.
bool IsRawTextElement(std::string_view name) {
  for (std::string_view t : {"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes",
                             "noscript", "plaintext"})
    if (name == t) return true;
  return false;
}

// Elements that never nest deeply in gumbo's tree: void elements, and elements
// whose start tag implicitly closes an open one of the same kind (unclosed <p>,
// <li>, <td> are normal HTML and must not look like nesting).
bool IsUncounted(std::string_view name) {
  for (std::string_view t :
       {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track",
        "wbr", "keygen", "frame", "basefont", "bgsound", "image", "p", "li", "dt", "dd", "tr", "td", "th", "tbody",
        "thead", "tfoot", "colgroup", "caption", "option", "optgroup", "rb", "rt", "rp", "rtc", "html", "head",
        "body"})
    if (name == t) return true;
  return false;
}

// Scans tags the way an HTML tokenizer roughly would. With `out` null it only
// measures the deepest nesting; otherwise it copies the document into `out`
// without the start and end tags that lie deeper than kMaxNesting (their text stays).
int ScanNesting(std::string_view h, std::string* out) {
  int depth = 0, max_depth = 0;
  size_t i = 0, n = h.size(), copied = 0;
  auto drop = [&](size_t begin, size_t end) {
    if (!out) return;
    out->append(h.substr(copied, begin - copied));
    out->push_back(' ');
    copied = end;
  };
  std::string name;
  while (i < n) {
    size_t lt = h.find('<', i);
    if (lt == std::string_view::npos || lt + 1 >= n) break;
    size_t p = lt + 1;
    if (h.compare(p, 3, "!--") == 0) {
      size_t end = h.find("-->", p + 3);
      i = end == std::string_view::npos ? n : end + 3;
      continue;
    }
    if (h[p] == '!' || h[p] == '?') {
      size_t end = h.find('>', p);
      i = end == std::string_view::npos ? n : end + 1;
      continue;
    }
    bool closing = h[p] == '/';
    if (closing) ++p;
    if (p >= n || !IsAsciiAlpha(h[p])) {
      i = p;
      continue;
    }
    name.clear();
    while (p < n && !IsAsciiSpace(h[p]) && h[p] != '/' && h[p] != '>')
      name.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(h[p++]))));
    // Attributes: a '>' inside a quoted value does not end the tag.
    char quote = 0;
    while (p < n && (quote || h[p] != '>')) {
      if (quote) {
        if (h[p] == quote) quote = 0;
      } else if ((h[p] == '"' || h[p] == '\'') && p > 0 && (h[p - 1] == '=' || IsAsciiSpace(h[p - 1]))) {
        quote = h[p];
      }
      ++p;
    }
    size_t tag_end = std::min(p + 1, n);
    i = tag_end;
    if (IsRawTextElement(name)) {
      // Holds no elements, so never deepens the tree: skip to "</name" (case-insensitive),
      // whose end tag the loop then passes over.
      if (closing) continue;
      size_t q = i;
      for (;;) {
        q = h.find("</", q);
        if (q == std::string_view::npos || EqualsIgnoreCase(h.substr(q + 2, name.size()), name)) break;
        q += 2;
      }
      i = q == std::string_view::npos ? n : q;
      continue;
    }
    if (IsUncounted(name)) continue;
    if (closing) {
      if (depth > kMaxNesting) drop(lt, tag_end);
      depth = std::max(0, depth - 1);
      continue;
    }
    if (depth >= kMaxNesting) drop(lt, tag_end);
    max_depth = std::max(max_depth, ++depth);
  }
  if (out) out->append(h.substr(copied));
  return max_depth;
}

// ---- Text building -----------------------------------------------------------

// Collapses whitespace runs to one space and block boundaries to one newline.
class TextBuilder {
 public:
  void Text(std::string_view s) {
    for (size_t i = 0; i < s.size(); ++i) {
      char c = s[i];
      if (IsAsciiSpace(c)) {
        space_ = true;
        continue;
      }
      if (c == '\xC2' && i + 1 < s.size() && s[i + 1] == '\xA0') {  // U+00A0 no-break space
        space_ = true;
        ++i;
        continue;
      }
      if (!out_.empty()) {
        if (newline_) out_.push_back('\n');
        else if (space_) out_.push_back(' ');
      }
      newline_ = space_ = false;
      out_.push_back(c);
    }
  }
  void Space() { space_ = true; }
  void Break() { newline_ = true; }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
  bool space_ = false, newline_ = false;
};

bool IsSkipped(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_SCRIPT:
    case GUMBO_TAG_STYLE:
    case GUMBO_TAG_NOSCRIPT:
    case GUMBO_TAG_TEMPLATE:
    case GUMBO_TAG_HEAD:
    case GUMBO_TAG_TITLE:
    case GUMBO_TAG_IFRAME:
    case GUMBO_TAG_NOEMBED:
    case GUMBO_TAG_NOFRAMES:
    case GUMBO_TAG_OBJECT:
      return true;
    default:
      return false;
  }
}

enum class Layout { kInline, kSpace, kBlock };

Layout LayoutOf(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_TD:
    case GUMBO_TAG_TH:
      return Layout::kSpace;
    case GUMBO_TAG_ADDRESS: case GUMBO_TAG_ARTICLE: case GUMBO_TAG_ASIDE: case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_BODY: case GUMBO_TAG_BR: case GUMBO_TAG_CAPTION: case GUMBO_TAG_CENTER: case GUMBO_TAG_DD:
    case GUMBO_TAG_DETAILS: case GUMBO_TAG_DIR: case GUMBO_TAG_DIV: case GUMBO_TAG_DL:
    case GUMBO_TAG_DT: case GUMBO_TAG_FIELDSET: case GUMBO_TAG_FIGCAPTION: case GUMBO_TAG_FIGURE:
    case GUMBO_TAG_FOOTER: case GUMBO_TAG_FORM: case GUMBO_TAG_H1: case GUMBO_TAG_H2: case GUMBO_TAG_H3:
    case GUMBO_TAG_H4: case GUMBO_TAG_H5: case GUMBO_TAG_H6: case GUMBO_TAG_HEADER: case GUMBO_TAG_HGROUP:
    case GUMBO_TAG_HR: case GUMBO_TAG_HTML: case GUMBO_TAG_LEGEND: case GUMBO_TAG_LI: case GUMBO_TAG_LISTING:
    case GUMBO_TAG_MAIN: case GUMBO_TAG_MENU: case GUMBO_TAG_NAV: case GUMBO_TAG_OL: case GUMBO_TAG_OPTION:
    case GUMBO_TAG_P: case GUMBO_TAG_PRE: case GUMBO_TAG_SECTION: case GUMBO_TAG_SUMMARY: case GUMBO_TAG_TABLE:
    case GUMBO_TAG_TBODY: case GUMBO_TAG_TEXTAREA: case GUMBO_TAG_TFOOT: case GUMBO_TAG_THEAD: case GUMBO_TAG_TR:
    case GUMBO_TAG_UL: case GUMBO_TAG_SELECT:
      return Layout::kBlock;
    default:
      return Layout::kInline;
  }
}

std::string_view Attribute(const GumboElement& e, const char* name) {
  const GumboAttribute* a = gumbo_get_attribute(&e.attributes, name);
  return a && a->value ? std::string_view(a->value) : std::string_view();
}

// True when the space-separated list `list` contains `word` (ASCII case-insensitive).
bool HasToken(std::string_view list, std::string_view word) {
  size_t i = 0;
  while (i < list.size()) {
    while (i < list.size() && IsAsciiSpace(list[i])) ++i;
    size_t j = i;
    while (j < list.size() && !IsAsciiSpace(list[j])) ++j;
    if (j > i && EqualsIgnoreCase(list.substr(i, j - i), word)) return true;
    i = j;
  }
  return false;
}

std::string Trimmed(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && IsAsciiSpace(s[b])) ++b;
  while (e > b && IsAsciiSpace(s[e - 1])) --e;
  return std::string(s.substr(b, e - b));
}

// Walks the tree without recursion. The stack holds nodes to visit and, for
// block elements, an exit marker that ends the block with a line break.
void Walk(const GumboNode* root, HtmlText& result) {
  TextBuilder text;
  std::string canonical, og_url;
  bool have_title = false;
  std::vector<std::pair<const GumboNode*, bool>> stack;  // (node, is_exit_marker)
  stack.push_back({root, false});
  while (!stack.empty()) {
    auto [node, exit] = stack.back();
    stack.pop_back();
    if (exit) {
      text.Break();
      continue;
    }
    switch (node->type) {
      case GUMBO_NODE_TEXT:
      case GUMBO_NODE_WHITESPACE:
      case GUMBO_NODE_CDATA:
        text.Text(node->v.text.text);
        continue;
      case GUMBO_NODE_DOCUMENT:
        for (size_t i = node->v.document.children.length; i-- > 0;)
          stack.push_back({static_cast<const GumboNode*>(node->v.document.children.data[i]), false});
        continue;
      case GUMBO_NODE_ELEMENT:
        break;
      default:  // comments, templates
        continue;
    }
    const GumboElement& e = node->v.element;
    if (e.tag == GUMBO_TAG_TITLE && !have_title) {
      TextBuilder title;
      for (size_t i = 0; i < e.children.length; ++i) {
        auto* child = static_cast<const GumboNode*>(e.children.data[i]);
        if (child->type == GUMBO_NODE_TEXT || child->type == GUMBO_NODE_WHITESPACE) title.Text(child->v.text.text);
      }
      result.title = title.Take();
      have_title = !result.title.empty();
    } else if (e.tag == GUMBO_TAG_LINK && canonical.empty() && HasToken(Attribute(e, "rel"), "canonical")) {
      canonical = Trimmed(Attribute(e, "href"));
    } else if (e.tag == GUMBO_TAG_META && og_url.empty() && EqualsIgnoreCase(Attribute(e, "property"), "og:url")) {
      og_url = Trimmed(Attribute(e, "content"));
    }
    if (e.tag == GUMBO_TAG_HEAD) {
      // Only <title>, <link> and <meta> matter in the head; its text is never shown.
      for (size_t i = e.children.length; i-- > 0;) {
        auto* child = static_cast<const GumboNode*>(e.children.data[i]);
        if (child->type == GUMBO_NODE_ELEMENT &&
            (child->v.element.tag == GUMBO_TAG_TITLE || child->v.element.tag == GUMBO_TAG_LINK ||
             child->v.element.tag == GUMBO_TAG_META))
          stack.push_back({child, false});
      }
      continue;
    }
    if (IsSkipped(e.tag)) continue;
    Layout layout = LayoutOf(e.tag);
    if (layout == Layout::kBlock) {
      text.Break();
      stack.push_back({node, true});
    } else if (layout == Layout::kSpace) {
      text.Space();
    }
    for (size_t i = e.children.length; i-- > 0;)
      stack.push_back({static_cast<const GumboNode*>(e.children.data[i]), false});
  }
  result.text = text.Take();
  result.url = !canonical.empty() ? std::move(canonical) : std::move(og_url);
}

}  // namespace

HtmlText HtmlToText(std::string_view html) {
  std::string repaired;
  if (!core::IsValidUtf8(html)) {
    repaired = core::RepairUtf8(html);
    html = repaired;
  }
  std::string flattened;
  if (ScanNesting(html, nullptr) > kMaxNesting) {
    flattened.reserve(html.size());
    ScanNesting(html, &flattened);
    html = flattened;
  }
  GumboOptions options = kGumboDefaultOptions;
  options.max_errors = 0;  // see the file comment: errors copy the open-element stack
  GumboOutput* output = gumbo_parse_with_options(&options, html.data(), html.size());
  HtmlText result;
  if (output) {
    Walk(output->document, result);
    gumbo_destroy_output(&options, output);
  }
  // gumbo emits U+FFFD for bad input, but keep the contract even if a corner slips through.
  core::EnsureUtf8(result.title);
  core::EnsureUtf8(result.text);
  core::EnsureUtf8(result.url);
  return result;
}

}  // namespace lodestar::ingest
