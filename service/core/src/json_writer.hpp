// Compact JSON written straight into a string, for the responses the search box asks for
// on every keystroke: building nlohmann's document and printing it took 66 µs a search
// response at 10k articles, a seventh of the search itself.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace archive {

class JsonWriter {
 public:
  JsonWriter& begin_object() { return open('{'); }
  JsonWriter& end_object() { return close('}'); }
  JsonWriter& begin_array() { return open('['); }
  JsonWriter& end_array() { return close(']'); }
  JsonWriter& key(std::string_view name);
  // Strings are escaped as JSON requires; bytes that are not UTF-8 become U+FFFD.
  JsonWriter& value(std::string_view text);
  JsonWriter& value(const char* text) { return text ? value(std::string_view(text)) : null(); }
  JsonWriter& value(std::size_t number);
  JsonWriter& value(double number);
  JsonWriter& null();

  // The text written; the writer is empty afterwards.
  std::string take() { return std::move(out_); }

 private:
  void before_value();
  JsonWriter& open(char bracket);
  JsonWriter& close(char bracket);

  std::string out_;
  std::vector<bool> empty_;  // per open object or array: nothing in it yet
  bool after_key_ = false;
};

}  // namespace archive
