#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "router/config/json5.h"

using nlohmann::json;
using router::Status;
using router::config::kMaxJson5Depth;
using router::config::ParseJson5;

namespace {

json Parse(std::string_view text) {
  auto result = ParseJson5(text);
  CHECK(result.status().message().empty());  // shows the parse error if there is one
  REQUIRE(result.ok());
  return std::move(result).value();
}

std::string ErrorOf(std::string_view text) {
  auto result = ParseJson5(text);
  REQUIRE_FALSE(result.ok());
  CHECK(result.status().code() == Status::Code::kInvalidArgument);
  return result.status().message();
}

std::string Nested(int depth) { return std::string(depth, '[') + std::string(depth, ']'); }

}  // namespace

TEST_CASE("ParseJson5 reads plain JSON exactly as nlohmann::json::parse does", "[config]") {
  const std::string doc = R"({
    "name": "router", "version": 3, "ratio": 0.125, "big": 12345678901234, "neg": -42,
    "exp": 1.5e-3, "upper": 2E+2, "yes": true, "no": false, "nothing": null,
    "list": [1, "two", [3.5, {"four": 4}], [], {}],
    "escapes": "q\" b\\ s\/ \b\f\n\r\t \u00e9 \ud83d\ude00 \u0041",
    "nested": {"a": {"b": {"c": [true, false, null]}}}
  })";
  const json expected = json::parse(doc);
  const json actual = Parse(doc);
  CHECK(actual == expected);
  CHECK(actual.dump() == expected.dump());
}

TEST_CASE("ParseJson5 accepts any value at the top level", "[config]") {
  CHECK(Parse("true") == json(true));
  CHECK(Parse(" null ") == json(nullptr));
  CHECK(Parse("'text'") == json("text"));
  CHECK(Parse("7") == json(7));
  CHECK(Parse("[]") == json::array());
  CHECK(Parse("{}") == json::object());
}

TEST_CASE("ParseJson5 skips comments", "[config]") {
  SECTION("single-line comments end at any line terminator or the end of input") {
    CHECK(Parse("// head\n{a: 1, // after a\r b: 2 //\u2028}// tail") == json{{"a", 1}, {"b", 2}});
  }
  SECTION("multi-line comments may span lines and contain stars and slashes") {
    CHECK(Parse("/* one\n * two **/ [1, /* // not nested */ 2] /**/") == json{1, 2});
  }
  SECTION("comment markers inside strings are text") {
    CHECK(Parse("['// no', \"/* no */\"]") == json{"// no", "/* no */"});
  }
}

TEST_CASE("ParseJson5 accepts one trailing comma in objects and arrays", "[config]") {
  CHECK(Parse("[1, 2,]") == json{1, 2});
  CHECK(Parse("{a: [1,], b: {c: 3,},}") == json{{"a", json::array({1})}, {"b", {{"c", 3}}}});
  CHECK(Parse("[\n  'x',\n  // the last one\n]") == json::array({"x"}));
}

TEST_CASE("ParseJson5 accepts IdentifierName keys", "[config]") {
  SECTION("ASCII letters, digits, '$' and '_'") {
    const json v = Parse("{abc: 1, $dollar: 2, _under: 3, a1b2: 4, $: 5, _: 6}");
    CHECK(v == json{{"abc", 1}, {"$dollar", 2}, {"_under", 3}, {"a1b2", 4}, {"$", 5}, {"_", 6}});
  }
  SECTION("reserved words are ordinary keys") {
    CHECK(Parse("{null: 1, true: 2, Infinity: 3, if: 4}") ==
          json{{"null", 1}, {"true", 2}, {"Infinity", 3}, {"if", 4}});
  }
  SECTION("non-ASCII letters") {
    CHECK(Parse("{caf\u00E9: 1, \u65E5\u672C: 2}") == json{{"caf\u00E9", 1}, {"\u65E5\u672C", 2}});
  }
  SECTION("\\uXXXX escapes, ASCII or not") {
    CHECK(Parse(R"({\u0061b: 1, x\u0031: 2, \u00e9t\u00E9: 3})") ==
          json{{"ab", 1}, {"x1", 2}, {"\u00E9t\u00E9", 3}});
  }
  SECTION("non-ASCII whitespace ends a key") { CHECK(Parse("{a\u00A0: 1}") == json{{"a", 1}}); }
}

TEST_CASE("ParseJson5 reads single- and double-quoted strings", "[config]") {
  SECTION("the other quote needs no escape") {
    CHECK(Parse(R"(['say "hi"', "it's"])") == json{"say \"hi\"", "it's"});
  }
  SECTION("single-character escapes") {
    CHECK(Parse(R"('\' \" \\ \b \f \n \r \t \v \/')") == json("' \" \\ \b \f \n \r \t \v /"));
  }
  SECTION("\\0 is NUL") {
    const json v = Parse(R"('a\0b')");
    CHECK(v.get<std::string>() == std::string("a\0b", 3));
  }
  SECTION("\\xHH and \\uXXXX become UTF-8") {
    CHECK(Parse(R"('\x41\x7e\xe9\u00e9\u20AC')") == json("A~\u00E9\u00E9\u20AC"));
  }
  SECTION("surrogate pairs combine into one code point") {
    CHECK(Parse(R"('\uD83D\uDE00')") == json("\xF0\x9F\x98\x80"));
  }
  SECTION("a lone surrogate becomes U+FFFD so the result can be dumped") {
    const json v = Parse(R"(['\uD800', '\uDC00x', '\uD800\u0041'])");
    CHECK(v == json{"\uFFFD", "\uFFFDx", "\uFFFDA"});
    CHECK(v.dump() == "[\"\uFFFD\",\"\uFFFDx\",\"\uFFFDA\"]");
  }
  SECTION("a backslash before a line terminator continues the line") {
    CHECK(Parse("'ab\\\ncd'") == json("abcd"));
    CHECK(Parse("'ab\\\r\ncd'") == json("abcd"));
    CHECK(Parse("'ab\\\rcd'") == json("abcd"));
    CHECK(Parse("'ab\\\u2028cd'") == json("abcd"));
  }
  SECTION("an unknown escape is the character itself") {
    CHECK(Parse(R"('\q\a\%')") == json("qa%"));
    CHECK(Parse("'\\\u00E9'") == json("\u00E9"));
  }
  SECTION("raw tabs and U+2028 are allowed inside strings") {
    CHECK(Parse("'a\tb\u2028c'") == json("a\tb\u2028c"));
  }
}

TEST_CASE("ParseJson5 reads JSON5 numbers", "[config]") {
  SECTION("hexadecimal") {
    CHECK(Parse("0xFF") == json(255));
    CHECK(Parse("0XaB") == json(171));
    CHECK(Parse("-0x10") == json(-16));
    CHECK(Parse("+0x1f") == json(31));
    CHECK(Parse("0x7FFFFFFFFFFFFFFF").get<int64_t>() == std::numeric_limits<int64_t>::max());
    CHECK(Parse("0xFFFFFFFFFFFFFFFF").get<uint64_t>() == std::numeric_limits<uint64_t>::max());
    const json big = Parse("0x10000000000000000");
    REQUIRE(big.is_number_float());
    CHECK(big.get<double>() == Approx(18446744073709551616.0));
  }
  SECTION("leading and trailing decimal points, leading '+'") {
    CHECK(Parse(".5").get<double>() == Approx(0.5));
    CHECK(Parse("5.").get<double>() == Approx(5.0));
    CHECK(Parse("-.25").get<double>() == Approx(-0.25));
    CHECK(Parse("5.e2").get<double>() == Approx(500.0));
    CHECK(Parse("+1") == json(1));
    CHECK(Parse("+1.5e1").get<double>() == Approx(15.0));
    CHECK(Parse("5.").is_number_float());
  }
  SECTION("Infinity and NaN are doubles that dump as null") {
    CHECK(Parse("Infinity").get<double>() == std::numeric_limits<double>::infinity());
    CHECK(Parse("+Infinity").get<double>() == std::numeric_limits<double>::infinity());
    CHECK(Parse("-Infinity").get<double>() == -std::numeric_limits<double>::infinity());
    CHECK(std::isnan(Parse("NaN").get<double>()));
    CHECK(std::isnan(Parse("-NaN").get<double>()));
    CHECK(Parse("[Infinity, NaN]").dump() == "[null,null]");
  }
  SECTION("integers that fit int64 stay integers") {
    const json v = Parse("[0, -0, 42, -7, 9223372036854775807, -9223372036854775808]");
    for (const json& n : v) CHECK(n.is_number_integer());
    CHECK(v[1] == json(0));
    CHECK(v[4].get<int64_t>() == std::numeric_limits<int64_t>::max());
    CHECK(v[5].get<int64_t>() == std::numeric_limits<int64_t>::min());
  }
  SECTION("integers beyond int64 are unsigned up to UINT64_MAX, then doubles") {
    const json v = Parse(
        "[9223372036854775808, 18446744073709551615, 18446744073709551616, "
        "-9223372036854775809]");
    CHECK(v[0].is_number_unsigned());
    CHECK(v[1].get<uint64_t>() == std::numeric_limits<uint64_t>::max());
    CHECK(v[2].is_number_float());
    CHECK(v[2].get<double>() == Approx(18446744073709551616.0));
    CHECK(v[3].is_number_float());
    CHECK(v[3].get<double>() == Approx(-9223372036854775809.0));
  }
  SECTION("out-of-range decimals overflow to Infinity and underflow to 0, as in JavaScript") {
    CHECK(Parse("1e400").get<double>() == std::numeric_limits<double>::infinity());
    CHECK(Parse("-12.5e999").get<double>() == -std::numeric_limits<double>::infinity());
    CHECK(Parse("1e-400").get<double>() == 0.0);
    CHECK(Parse("0.00001e-320").get<double>() == 0.0);
    CHECK(Parse("1e-310").get<double>() > 0.0);  // subnormal, still representable
  }
}

TEST_CASE("ParseJson5 treats Unicode spaces and line terminators as whitespace", "[config]") {
  CHECK(Parse("\uFEFF{a: 1}") == json{{"a", 1}});  // BOM
  CHECK(Parse("{\u00A0a:\u30001\u2028,\u2029b:\uFEFF2}") == json{{"a", 1}, {"b", 2}});
  CHECK(Parse("\v[\f1,\u2003 2\u1680]") == json{1, 2});
}

TEST_CASE("ParseJson5 keeps the last of duplicate keys", "[config]") {
  const json v = Parse("{a: 1, b: 2, 'a': 3, \"a\": {x: 1}}");
  CHECK(v == json{{"a", {{"x", 1}}}, {"b", 2}});
}

TEST_CASE("ParseJson5 reads a hand-edited openclaw.json", "[config]") {
  const json v = Parse(R"({ // my setup
  plugins: {
    entries: {
      'model-router': {
        enabled: true,
        /* budget in micro-USD;
           raised in March */
        config: { timezone: "Europe/London", monthlyBudgetMicros: 25000000, },
      },
    },
  },
  models: { providers: { openai: { apiKey: "${OPENAI_KEY}", }, }, },
  $include: './extra.json5',
}
)");
  const json& router = v["plugins"]["entries"]["model-router"];
  CHECK(router["enabled"] == json(true));
  CHECK(router["config"]["timezone"] == json("Europe/London"));
  CHECK(router["config"]["monthlyBudgetMicros"] == json(25000000));
  CHECK(v["models"]["providers"]["openai"]["apiKey"] == json("${OPENAI_KEY}"));  // not expanded
  CHECK(v["$include"] == json("./extra.json5"));                                 // not resolved
}

TEST_CASE("ParseJson5 errors give the line and column of what was expected", "[config]") {
  SECTION("unterminated strings point at the opening quote") {
    CHECK(ErrorOf("{a: \"abc") == "line 1, column 5: unterminated string: expected a closing \"");
    CHECK(ErrorOf("'abc\\") == "line 1, column 1: unterminated string: expected a closing '");
  }
  SECTION("a raw line break inside a string points at the line break") {
    CHECK(ErrorOf("{\n  a: 'x\n}") ==
          "line 2, column 8: expected a closing ' before the end of the line "
          "(escape line breaks as \\n)");
  }
  SECTION("unterminated or malformed comments") {
    CHECK(ErrorOf("[1, /* never closed") ==
          "line 1, column 5: unterminated comment: expected '*/'");
    CHECK(ErrorOf("[1, / 2]") == "line 1, column 5: expected '//' or '/*' to start a comment");
  }
  SECTION("missing commas") {
    CHECK(ErrorOf("{a: 1\n b: 2}") ==
          "line 2, column 2: expected ',' or '}' after the property value");
    CHECK(ErrorOf("[1 2]") == "line 1, column 4: expected ',' or ']' after the array element");
  }
  SECTION("garbage after the value") {
    CHECK(ErrorOf("{} x") == "line 1, column 4: expected end of input after the value");
    CHECK(ErrorOf("1_000") == "line 1, column 2: expected end of input after the value");
  }
  SECTION("no value at all") {
    CHECK(ErrorOf("") == "line 1, column 1: expected a value");
    CHECK(ErrorOf("// only a comment\n") == "line 2, column 1: expected a value");
    CHECK(ErrorOf("nul") == "line 1, column 1: expected a value");
    CHECK(ErrorOf("{a: b}") == "line 1, column 5: expected a value");
  }
  SECTION("unterminated containers") {
    CHECK(ErrorOf("{a: 1,") == "line 1, column 7: expected a property name or '}'");
    CHECK(ErrorOf("[1") == "line 1, column 3: expected ',' or ']' after the array element");
  }
  SECTION("elisions and doubled commas") {
    CHECK(ErrorOf("[1,,]") == "line 1, column 4: expected a value");
    CHECK(ErrorOf("{,}") == "line 1, column 2: expected a property name or '}'");
  }
  SECTION("bad property names") {
    CHECK(ErrorOf("{1: 2}") == "line 1, column 2: expected a property name or '}'");
    CHECK(ErrorOf("{a 1}") == "line 1, column 4: expected ':' after the property name");
    CHECK(ErrorOf(R"({\u0031: 1})") ==
          "line 1, column 2: expected an escaped letter, '$' or '_' to start a property name");
    CHECK(ErrorOf(R"({a\u0020: 1})") ==
          "line 1, column 3: expected an escaped letter, digit, '$' or '_' in a property name");
    CHECK(ErrorOf(R"({a\b: 1})") == "line 1, column 3: expected \\u after '\\' in a property name");
  }
  SECTION("bad numbers") {
    CHECK(ErrorOf("01") == "line 1, column 2: expected no leading zeros in a number");
    CHECK(ErrorOf("[0x]") == "line 1, column 4: expected a hex digit after 0x");
    CHECK(ErrorOf("1e") == "line 1, column 3: expected a digit in the exponent");
    CHECK(ErrorOf("1e+") == "line 1, column 4: expected a digit in the exponent");
    CHECK(ErrorOf(".") == "line 1, column 2: expected a digit after '.'");
    CHECK(ErrorOf("-x") == "line 1, column 2: expected a digit, Infinity or NaN");
  }
  SECTION("bad escapes point at the backslash") {
    CHECK(ErrorOf(R"(['ok', '\1'])") ==
          "line 1, column 9: expected an escape character, not a digit (no octal escapes)");
    CHECK(ErrorOf(R"('\01')") ==
          "line 1, column 2: expected \\0 not to be followed by a digit (no octal escapes)");
    CHECK(ErrorOf(R"('\x4')") == "line 1, column 2: expected two hex digits after \\x");
    CHECK(ErrorOf(R"('ab\u12')") == "line 1, column 4: expected four hex digits after \\u");
  }
  SECTION("columns count code points, not bytes") {
    CHECK(ErrorOf("[\"\u00E9\u20AC\" x]") ==
          "line 1, column 7: expected ',' or ']' after the array element");
  }
  SECTION("lines end at LF, CRLF, CR, U+2028 and U+2029") {
    CHECK(ErrorOf("{\r\n a: 1,\r\n b}") ==
          "line 3, column 3: expected ':' after the property name");
    CHECK(ErrorOf("[1,\r2 3]") == "line 2, column 3: expected ',' or ']' after the array element");
    CHECK(ErrorOf("[1,\u2028 2,\u2029x]") == "line 3, column 1: expected a value");
  }
  SECTION("an error deep in a hand-edited file") {
    CHECK(ErrorOf("{\n  // models\n  models: {\n    providers: { openai: {} }\n"
                  "    default: 'gpt'\n  },\n}") ==
          "line 5, column 5: expected ',' or '}' after the property value");
  }
}

TEST_CASE("ParseJson5 limits nesting depth instead of overflowing the stack", "[config]") {
  SECTION("the limit itself is allowed") {
    const json v = Parse(Nested(kMaxJson5Depth));
    int depth = 1;
    const json* innermost = &v;
    while (!innermost->empty()) {
      innermost = &innermost->front();
      ++depth;
    }
    CHECK(innermost->is_array());
    CHECK(depth == kMaxJson5Depth);
  }
  SECTION("one more level is an error at the bracket that crosses it") {
    CHECK(ErrorOf(Nested(kMaxJson5Depth + 1)) ==
          "line 1, column 513: nesting deeper than 512 levels");
    std::string objects;
    for (int i = 0; i <= kMaxJson5Depth; ++i) objects += "{a:";
    CHECK(ErrorOf(objects) == "line 1, column 1537: nesting deeper than 512 levels");
  }
  SECTION("absurd depth fails cleanly") {
    CHECK(ErrorOf(Nested(1'000'000)) == "line 1, column 513: nesting deeper than 512 levels");
  }
}

TEST_CASE("ParseJson5 reads large documents", "[config]") {
  std::string text = "[";
  for (int i = 0; i < 200'000; ++i) text += "0x10, /* c */ 'ab',\n";
  text += "]";
  const json v = Parse(text);
  REQUIRE(v.size() == 400'000);
  CHECK(v[0] == json(16));
  CHECK(v[399'999] == json("ab"));
}
