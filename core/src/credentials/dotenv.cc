#include "router/credentials/dotenv.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace router::credentials {
namespace {

bool IsNameStart(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9') || c == '.' || c == '-'; }

std::string Trim(const std::string& s) {
  const size_t begin = s.find_first_not_of(" \t\r");
  if (begin == std::string::npos) return "";
  return s.substr(begin, s.find_last_not_of(" \t\r") - begin + 1);
}

Status LineError(const std::string& origin, size_t line, const std::string& what) {
  return Status::InvalidArgument(origin + " line " + std::to_string(line) + ": " + what);
}

// The value after `=`: quoted (to its closing quote, then only a comment may follow) or bare (to a
// ` #` comment). Empty `what` = fine.
std::string ParseValue(const std::string& raw, std::string& value) {
  const std::string text = Trim(raw);
  if (text.empty()) return "";
  const char quote = text[0];
  if (quote != '"' && quote != '\'' && quote != '`') {
    const size_t comment = text.find(" #");
    value = Trim(text.substr(0, comment));
    return "";
  }
  const size_t close = text.find(quote, 1);
  if (close == std::string::npos) {
    return std::string("the value opens a ") + quote + " quote that does not close on this line";
  }
  const std::string rest = Trim(text.substr(close + 1));
  if (!rest.empty() && rest[0] != '#') {
    return std::string("text after the closing ") + quote + " quote; put a # before a comment";
  }
  value = text.substr(1, close - 1);
  if (quote == '"') {
    for (size_t at = value.find("\\n"); at != std::string::npos; at = value.find("\\n", at + 1)) {
      value.replace(at, 2, "\n");
    }
  }
  return "";
}

}  // namespace

Result<std::map<std::string, std::string>> ParseDotEnv(const std::string& text,
                                                       const std::string& origin) {
  std::map<std::string, std::string> vars;
  std::istringstream in(text);
  std::string raw;
  for (size_t line = 1; std::getline(in, raw); ++line) {
    std::string rest = Trim(raw);
    if (rest.empty() || rest[0] == '#') continue;
    if (rest.rfind("export ", 0) == 0) rest = Trim(rest.substr(7));
    size_t end = 0;
    while (end < rest.size() && IsNameChar(rest[end])) ++end;
    if (end == 0 || !IsNameStart(rest[0])) {
      return LineError(origin, line,
                       "expected NAME=value (a name starts with a letter or _, e.g. "
                       "GEMINI_API_KEY=...)");
    }
    const std::string name = rest.substr(0, end);
    const std::string after = Trim(rest.substr(end));
    if (after.empty() || after[0] != '=') {
      // Not quoted back: a line without '=' may be a key pasted on its own.
      return LineError(origin, line, "no '=' (expected NAME=value)");
    }
    std::string value;
    if (std::string bad = ParseValue(after.substr(1), value); !bad.empty()) {
      return LineError(origin, line, "\"" + name + "\": " + bad);
    }
    vars[name] = value;
  }
  return vars;
}

Result<std::map<std::string, std::string>> ReadDotEnv(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return std::map<std::string, std::string>{};
  std::ifstream file(path, std::ios::binary);
  if (!file) return Status::Io(path + ": cannot be read; check its permissions");
  std::ostringstream text;
  text << file.rdbuf();
  return ParseDotEnv(text.str(), path);
}

}  // namespace router::credentials
