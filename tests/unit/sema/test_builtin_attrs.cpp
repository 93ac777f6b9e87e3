// The builtin ops' signatures (builtins.def) agree with the attributes their IR ops declare
// (ops.def): sema turns every parameter that is not a tensor into an attribute of the same
// name, so each must be declared with a matching type, and a signature default must be
// the attribute's declared default (IR written without it reads the same value).
#include <gtest/gtest.h>

#include "compiler/ir/op_attrs.h"
#include "compiler/sema/builtins.h"

namespace genc::sema {
namespace {

/// The attribute type a parameter of `type` becomes; nullopt for operands and networks.
std::optional<ir::AttrType> attr_type(ParamType type) {
  switch (type) {
    case ParamType::Int:
      return ir::AttrType::Int;
    case ParamType::Number:
      return ir::AttrType::Float;
    case ParamType::Bool:
      return ir::AttrType::Bool;
    case ParamType::String:
    case ParamType::Choice:
      return ir::AttrType::String;
    case ParamType::Ints:
      return ir::AttrType::Ints;
    case ParamType::Dims:
      return ir::AttrType::Dims;
    case ParamType::Tensor:
    case ParamType::Tensors:
    case ParamType::Net:
      return std::nullopt;
    default:
      ADD_FAILURE() << "a builtin op's parameter of an unexpected type";
      return std::nullopt;
  }
}

TEST(BuiltinAttrs, EveryParameterIsADeclaredAttributeWithTheSameDefault) {
  int checked = 0;
  for (const std::string& name : builtin_names()) {
    const Builtin* b = find_builtin(name);
    if (!b->op) continue;
    for (const ParamSpec& p : b->sig.params) {
      std::optional<ir::AttrType> type = attr_type(p.type);
      if (!type) continue;
      SCOPED_TRACE(name + "(" + p.name + ")");
      const ir::AttrDecl* d = ir::find_attr_decl(*b->op, p.name);
      ASSERT_NE(d, nullptr) << "ops.def declares no such attribute of " << ir::op_name(*b->op);
      EXPECT_TRUE(d->type == *type) << "declared " << ir::attr_type_text(d->type);
      if (p.has_default && p.default_value.is(VKind::None)) {
        EXPECT_TRUE(d->use == ir::AttrUse::Optional) << "a default of none is an optional attribute (absent)";
      } else if (p.has_default) {
        std::optional<ir::Attr> value = to_attr(p.default_value);
        ASSERT_TRUE(value.has_value());
        EXPECT_TRUE(d->use == ir::AttrUse::Default && d->default_value == *value)
            << "the signature's default is " << ir::attr_str(*value);
      } else {
        EXPECT_TRUE(d->use != ir::AttrUse::Default) << "ops.def has a default the signature lacks";
      }
      ++checked;
    }
  }
  EXPECT_GT(checked, 20);
}

}  // namespace
}  // namespace genc::sema
