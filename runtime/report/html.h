// Small pieces of HTML for the run report: escaped text and files embedded as data: URIs.
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

}  // namespace genc::runtime::report
