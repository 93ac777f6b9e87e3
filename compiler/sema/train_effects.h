// Train settings that would be accepted and then do nothing: located errors and warnings.
#pragma once

#include <map>
#include <string>

#include "compiler/ir/program.h"
#include "compiler/support/diagnostics.h"

namespace genc::sema {

/// Reports each setting of `train` that cannot take effect for `model` on `data` (null when
/// the dataset did not analyse): IneffectiveSetting errors for `eval` on a model without a
/// test metric (gan), `sample` on one that does not sample (classify) and precision bf16/fp16
/// with `device cpu`; SettingWithoutEffect warnings for `sample` of examples that are neither
/// images, 2-D points nor text, `eval`/`sample` every N steps with N beyond `steps`, and
/// `cuda_graph` with `device cpu`. `written` maps the settings the source gives to their ranges.
void check_settings_take_effect(const ir::Train& train, const ir::Model& model,
                                const ir::Dataset* data,
                                const std::map<std::string, SourceRange>& written,
                                DiagnosticEngine& diags);

}  // namespace genc::sema
