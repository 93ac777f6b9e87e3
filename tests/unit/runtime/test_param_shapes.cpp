// ir::param_tensors (what --emit summary counts and the memory check adds up) against the
// tensors the runtime's ParamStore really creates, over every parameter node of every
// example in examples/: the same names, shapes and trainable/buffer split.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "compiler/ir/param_shapes.h"
#include "runtime/param_store.h"
#include "tests/unit/runtime/exec_test_util.h"

namespace genc::runtime::testing {
namespace {

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

/// name -> (shape, trainable) of the tensors a ParamModule registered.
std::map<std::string, std::pair<std::vector<int64_t>, bool>> registered(const ParamModule& m) {
  std::map<std::string, std::pair<std::vector<int64_t>, bool>> out;
  for (const auto& p : m.named_parameters(/*recurse=*/false)) out[p.key()] = {p.value().sizes().vec(), true};
  for (const auto& b : m.named_buffers(/*recurse=*/false)) out[b.key()] = {b.value().sizes().vec(), false};
  return out;
}

TEST(ParamShapes, MatchTheParamStoreOnEveryExample) {
  int nodes = 0;
  for (const auto& entry : std::filesystem::directory_iterator(GENC_EXAMPLES_DIR)) {
    if (entry.path().extension() != ".gen") continue;
    SCOPED_TRACE(entry.path().filename().string());
    std::unique_ptr<Compiled> c = compile(read_text(entry.path()));
    if (!c->program) continue;
    for (const ir::Model& model : c->program->models) {
      ParamStore store(model, at::kCPU, 0);
      for (const ir::Function& role : model.roles) {
        for (ir::NodeId id : role.graph.ids()) {
          const ir::Node& node = role.graph.node(id);
          if (!ir::has_flag(node.op, ir::kParams)) continue;
          std::optional<std::vector<ir::ParamTensor>> tensors = ir::param_tensors(node, ir::input_types(role.graph, id));
          ASSERT_TRUE(tensors.has_value()) << node.name << " (" << ir::op_name(node.op) << ")";
          std::map<std::string, std::pair<std::vector<int64_t>, bool>> expected;
          for (const ir::ParamTensor& t : *tensors) expected[t.name] = {t.dims, t.trainable};
          EXPECT_EQ(expected, registered(store.node(node.name))) << node.name;
          ++nodes;
        }
      }
    }
  }
  EXPECT_GT(nodes, 30);  // the examples hold linear, conv, upconv, norms, embed, attention, flow layers
}

}  // namespace
}  // namespace genc::runtime::testing
