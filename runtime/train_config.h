// A `train` block's settings as the runtime reads them: the typed structs of
// compiler/ir/train_config.h, built once from the table-checked settings (no LibTorch).
#pragma once

#include "compiler/ir/train_config.h"
#include "compiler/support/diagnostics.h"  // which this header has always brought to its users

namespace genc::runtime {

using ir::Every;
using ir::OptimizerConfig;
using ir::ScheduleConfig;
using ir::TrainConfig;

}  // namespace genc::runtime
