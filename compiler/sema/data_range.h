// Data ranges (ir::DataRange): what values a dataset's examples take, from its source through
// its transforms, and the checks of that range against the roles that model the data.
#pragma once

#include "compiler/ir/program.h"
#include "compiler/support/diagnostics.h"

namespace genc::sema {

/// The range of the examples of source `s` (written at `at`).
ir::DataRange source_range(const ir::Setting& s, SourceRange at);

/// The range after transform `t`.
ir::DataRange transform_range(const ir::Setting& t, const ir::DataRange& in);

/// Checks the range of `ds` against the roles of `m`, reporting at `at` (where the train
/// declaration names the data): DataRangeMismatch for a bernoulli decoder on data not in
/// [0, 1]; with `is_train_data`, OutputRangeMismatch for a generator whose last activation
/// cannot produce the data's range or produces values outside it.
void check_data_range(const ir::Dataset& ds, const ir::Model& m, SourceRange at,
                      bool is_train_data, DiagnosticEngine& diags);

}  // namespace genc::sema
