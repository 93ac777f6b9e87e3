// Internal to genc_lower: the one-position decode step of an autoregressive role, derived
// from its graph for the KV-cached sampler (decode_step.cpp).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "compiler/ir/program.h"
#include "compiler/lower/training_program.h"

namespace genc::lower {

struct DecodeStep {
  /// Inputs "x" (tokens [L]), "t" (i64[]) and one cache per self-attention; outputs "x"
  /// with x[t] drawn and the updated caches.
  Routine step;
  /// The caches in step order: the carried value's name ("kv." + the attention node's
  /// name) and the attributes of the kv_cache op that allocates it.
  std::vector<std::pair<std::string, ir::Attrs>> caches;
};

/// The decode step of `net` (causal by sema/causality): for position t it runs the role's
/// ops on the one row of shift_right(x) at t ([1, ...] in place of [L, ...]; values that
/// do not read x, such as the position table, sliced at t where they meet a row), each
/// attention as attention_step over its cache, and draws x[t] with sample_position and
/// `draw` (its temperature, top_k, top_p). Nullopt when the role holds an op the step
/// cannot run on one row (a reshape, a cross-attention): the sampler then reruns the
/// whole prefix per position.
std::optional<DecodeStep> decode_step(const ir::Function& net, const ir::Attrs& draw, SourceRange loc);

}  // namespace genc::lower
