#pragma once
// Hand-written keyword rules: the baseline the learned classifier must beat in the evaluation.

#include <algorithm>
#include <cctype>
#include <initializer_list>
#include <string>
#include <string_view>

#include "router/classify/classifier.h"

namespace router::training {

inline classify::TaskClass KeywordClassify(std::string_view text) {
  using classify::TaskClass;
  std::string t(text);
  std::transform(t.begin(), t.end(), t.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  auto any = [&](std::initializer_list<const char*> words) {
    return std::any_of(words.begin(), words.end(),
                       [&](const char* w) { return t.find(w) != std::string::npos; });
  };
  if (any({"act as", "pretend", "you are a", "role play", "roleplay", "persona", "in character"})) {
    return TaskClass::kRoleplay;
  }
  if (any({"```", "code", "function", "python", "javascript", "program", "script", "compile", "sql",
           "api", "bug", "regex", "c++"})) {
    return TaskClass::kCoding;
  }
  if (any({"calculate", "solve", "equation", "integral", "probability", "prove", "how many",
           "how much", "math", "sum of", "derivative"})) {
    return TaskClass::kMath;
  }
  if (any({"book a", "schedule", "send ", "email", "file", "directory", "folder", "weather",
           "turn on", "turn off", "set a", "search for", "order ", "cancel", "reminder"})) {
    return TaskClass::kAgentic;
  }
  if (any({"story", "poem", "song", "lyrics", "essay", "fiction", "slogan", "creative"})) {
    return TaskClass::kCreative;
  }
  if (any({"options:", "which of the following", "true or false", "deduce", "logic", "valid",
           "argument", "puzzle"})) {
    return TaskClass::kReasoning;
  }
  return t.size() < 100 ? TaskClass::kSimple : TaskClass::kReasoning;
}

}  // namespace router::training
