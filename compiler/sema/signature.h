// Call signatures: the parameters of a builtin op, block, objective, data source or option
// set; matching a call's arguments to them (positional, named, defaults) and checking each
// argument's kind.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/frontend/ast.h"
#include "compiler/sema/value.h"
#include "compiler/support/diagnostics.h"

namespace genc::sema {

enum class ParamType {
  Any,      ///< anything
  Tensor,   ///< a tensor (or a distribution)
  Tensors,  ///< a tensor or a list of tensors (concat)
  Int,
  Number,  ///< an integer or a float; stored as a float
  Bool,
  String,
  Choice,   ///< one of `choices`
  Ints,     ///< a list of integers
  Dims,     ///< an integer or a list of integers (stored as a list)
  Numbers,  ///< a list of numbers (stored as floats)
  List,     ///< any list
  Fn,       ///< an op or block (`act: fn = relu`)
  Net,      ///< a block call with its input left out (`net: mlp([128])`): not evaluated
};

struct ParamSpec {
  std::string name;
  ParamType type = ParamType::Any;
  std::vector<std::string> choices;  ///< Choice
  bool has_default = false;
  Value default_value;                      ///< builtins: the default
  const ast::Expr* default_expr = nullptr;  ///< blocks: evaluated at each expansion
  const ast::Type* declared = nullptr;      ///< blocks: the written type, if any
  SourceRange range;                        ///< blocks: the parameter's declaration
};

struct Signature {
  std::string name;
  std::vector<ParamSpec> params;

  int index(const std::string& param) const;  ///< -1 if absent
  int required_count() const;
  std::vector<std::string> param_names() const;
};

/// Parses a signature written as in the builtin tables:
///   "x: tensor, out: int, bias: bool = true, mask: \"even\"|\"odd\" = \"even\""
/// Types: any tensor tensors int float bool string ints dims floats list fn net, or a
/// choice of quoted strings. Defaults: integers, floats, true/false, none, "text", [..].
/// A malformed table entry is a compiler bug (internal_error).
Signature parse_signature(std::string name, std::string_view text);

/// "an integer", "a list of integers", "\"even\", \"odd\" or \"checker\"" ...
std::string expected_text(const ParamSpec& p);

/// Matches `args` to `sig`'s parameters. `leading` parameter slots are already filled by
/// the caller (a coupling's input). Returns, per argument, its parameter index (-1 for an
/// argument that was reported); reports PositionalAfterNamed, WrongArity, UnknownArgument
/// and DuplicateArgument. `ok` is false when anything was reported.
struct ArgMatch {
  std::vector<int> slot;    ///< per argument
  std::vector<bool> bound;  ///< per parameter
  bool ok = true;
};
ArgMatch match_args(const Signature& sig, const std::string& callee,
                    const std::vector<ast::Arg>& args, int leading, SourceRange call_range,
                    DiagnosticEngine& diags);

/// Reports MissingArgument for every required parameter left unbound; false if any.
bool check_missing(const Signature& sig, const std::string& callee, const ArgMatch& match,
                   SourceRange call_range, DiagnosticEngine& diags);

/// Checks `v` against `p` and normalises it (Int -> Float for numbers, Int -> [Int] for
/// dims). Reports NotCompileTime, ArgumentType or InvalidOptionValue at `range`; false on
/// error. Error values pass silently (already reported).
bool check_arg(const ParamSpec& p, const std::string& callee, Value& v, SourceRange range,
               DiagnosticEngine& diags);

}  // namespace genc::sema
