// Small pieces of HTML for the report pages: escaped text, files embedded as data: URIs, and
// the formats of numbers, durations and notes that the run and comparison pages share.
#pragma once

#include <string>
#include <string_view>

namespace genc::runtime::report {

/// `text` with &, <, >, " and ' escaped, for element content and attribute values.
std::string escape_html(std::string_view text);

/// `bytes` in standard base64 (RFC 4648, with padding).
std::string base64(std::string_view bytes);

/// "data:MIME;base64,..." of `bytes`.
std::string data_uri(std::string_view mime, std::string_view bytes);

/// `v` with 5 significant digits.
std::string number(double v);

/// "12.3 s", "4m 05s" or "2h 03m".
std::string duration(double seconds);

/// A <p class="note"> of `text`.
std::string note(const std::string& text);

}  // namespace genc::runtime::report
