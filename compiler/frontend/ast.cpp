// Spellings of AST operators and role kinds.
#include "compiler/frontend/ast.h"

#include "compiler/support/diagnostics.h"

namespace genc::ast {

const char* op_spelling(OpKind op) {
  switch (op) {
    case OpKind::Add:
      return "+";
    case OpKind::Sub:
      return "-";
    case OpKind::Mul:
      return "*";
    case OpKind::Div:
      return "/";
    case OpKind::Mod:
      return "%";
    case OpKind::MatMul:
      return "@";
    case OpKind::Eq:
      return "==";
    case OpKind::Ne:
      return "!=";
    case OpKind::Lt:
      return "<";
    case OpKind::Le:
      return "<=";
    case OpKind::Gt:
      return ">";
    case OpKind::Ge:
      return ">=";
    case OpKind::And:
      return "and";
    case OpKind::Or:
      return "or";
    case OpKind::Neg:
      return "-";
    case OpKind::Not:
      return "not";
  }
  internal_error("bad OpKind");
}

const char* role_kind_name(RoleKind kind) {
  switch (kind) {
    case RoleKind::Encoder:
      return "encoder";
    case RoleKind::Decoder:
      return "decoder";
    case RoleKind::Generator:
      return "generator";
    case RoleKind::Discriminator:
      return "discriminator";
    case RoleKind::Flow:
      return "flow";
    case RoleKind::Denoiser:
      return "denoiser";
    case RoleKind::Autoregressive:
      return "autoregressive";
  }
  internal_error("bad RoleKind");
}

}  // namespace genc::ast
