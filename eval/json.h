// Just enough JSON to read rate-distortion curves back (ours and CompressAI's
// published ones) and to quote strings when writing them.
#ifndef LCODEC_EVAL_JSON_H_
#define LCODEC_EVAL_JSON_H_

#include <string>
#include <utility>
#include <vector>

#include "common/status.h"

namespace lcodec::eval {

struct JsonValue {
  enum class Type { kNull, kBool, kNumber, kString, kArray, kObject };
  Type type = Type::kNull;
  bool boolean = false;
  double number = 0;
  std::string string;
  std::vector<JsonValue> array;
  std::vector<std::pair<std::string, JsonValue>> object;  // in file order

  // The member named `key` of an object; nullptr if absent or not an object.
  const JsonValue* Find(const std::string& key) const;
};

// Parses one JSON document (RFC 8259; \u escapes outside ASCII are kept as
// '?', which names and descriptions can live with).
Status ParseJson(const std::string& text, JsonValue* out);

// "text" with quotes and escapes, ready to write.
std::string JsonQuote(const std::string& text);

}  // namespace lcodec::eval

#endif  // LCODEC_EVAL_JSON_H_
