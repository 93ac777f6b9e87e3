// "Did you mean ...?" hints: the closest known name to a misspelled one.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "compiler/support/diagnostics.h"

namespace genc::sema {

/// The candidate closest to `name` by edit distance, if it is close enough to be a likely
/// typo (distance <= max(1, length / 3)); ties go to the first candidate in sorted order.
std::optional<std::string> closest_name(const std::string& name,
                                        const std::vector<std::string>& candidates);

/// Sets `d.hint` to "did you mean 'X'?" when a close candidate exists.
void add_suggestion(Diagnostic& d, const std::string& name,
                    const std::vector<std::string>& candidates);

}  // namespace genc::sema
