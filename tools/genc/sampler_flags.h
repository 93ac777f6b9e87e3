// --sampler SPEC and --guidance W, the sampler override of `genc sample` and `genc eval`.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>

#include "runtime/run/sampler_override.h"

namespace genc::cli {

/// Adds --sampler and --guidance to `sub`, read into `o` (which must outlive the command).
/// The returned function, called by the command's action, sets o.guidance when --guidance was given.
std::function<void()> add_sampler_flags(CLI::App& sub, runtime::SamplerOverride& o);

}  // namespace genc::cli
