// Graphviz for the run report: the model graph (`genc compile --emit dot`) laid out as SVG
// by the `dot` program, when it is installed.
#pragma once

#include <optional>
#include <string>

namespace genc::runtime::report {

/// The first executable `program` in $PATH; null when there is none.
std::optional<std::string> find_on_path(const std::string& program);

/// The <svg> element `dot -Tsvg` draws for `dot_text` (the XML prolog and doctype removed,
/// so it can sit inside HTML). Null when `dot` is not installed; throws RuntimeUserError
/// when it fails.
std::optional<std::string> dot_to_svg(const std::string& dot_text);

}  // namespace genc::runtime::report
