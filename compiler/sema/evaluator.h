// The evaluator: computes expressions to values inside one role's graph (or with no graph,
// for compile-time-only contexts), expands block calls inline, unrolls `repeat`, takes
// compile-time `if`s and lowers builtin op calls to graph nodes.
// Its methods are split over eval_expr.cpp (literals, names, lists, indexing, ?:),
// eval_operators.cpp (+ - * / % @ comparisons, and/or/not), eval_calls.cpp (call
// resolution and argument binding), builtin_calls.cpp (builtin ops to nodes),
// blocks.cpp (statements and block expansion) and flows.cpp (couplings, invertibles).
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "compiler/frontend/ast.h"
#include "compiler/sema/builtins.h"
#include "compiler/sema/emit.h"
#include "compiler/sema/globals.h"
#include "compiler/sema/scope.h"
#include "compiler/sema/value.h"

namespace genc::sema {

/// A call as written: `name(args)`, or a bare name standing for an argument-less call
/// (`net: resnet`, `|> relu`).
struct CallSite {
  std::string name;
  SourceRange callee;                           ///< the callee name
  SourceRange range;                            ///< the whole call
  const std::vector<ast::Arg>* args = nullptr;  ///< null: no arguments
};

/// Arguments bound to a signature's parameters (one entry per parameter).
struct Bound {
  std::vector<Value> values;
  std::vector<bool> given;
  std::vector<SourceRange> ranges;      ///< the argument's range, or the call's for defaults
  std::vector<const ast::Expr*> exprs;  ///< the argument expression, if written
};

class Evaluator {
 public:
  /// `graph` null: only compile-time values can be computed. `root` starts parameter paths.
  Evaluator(Globals& globals, DiagnosticEngine& diags, ir::Graph* graph, std::string root);

  Value eval(const ast::Expr& e, Scope& scope);

  enum class Exit { Normal, Returned, Stopped };
  /// Runs statements in `scope`; on `return` sets `ret`. Stopped: the error limit was hit.
  Exit exec(const ast::Body& body, Scope& scope, Value& ret);

  /// The IR type a tensor/tokens/label/time type denotes, dimensions evaluated in `scope`;
  /// nullopt after reporting a bad dimension (or for fn and named types).
  std::optional<ir::ValueType> resolve_type(const ast::Type& type, Scope& scope);

  /// Binds and checks the arguments of `site` against `sig` and fills defaults (option
  /// sets: objectives, data sources, optimizers). nullopt after reporting.
  std::optional<Bound> bind_call(const Signature& sig, const CallSite& site, Scope& scope);

  /// The last `return` statement executed outside any block call (null before one).
  const ast::Stmt* last_return() const { return last_return_; }

  GraphBuilder& builder() { return builder_; }
  DiagnosticEngine& diags() { return diags_; }

 private:
  // eval_expr.cpp
  Value eval_name(const ast::Expr& e, Scope& scope);
  Value eval_list(const ast::Expr& e, Scope& scope);
  Value eval_index(const ast::Expr& e, Scope& scope);
  Value eval_ternary(const ast::Expr& e, Scope& scope);
  Value type_error(SourceRange at, std::string message);

  // eval_operators.cpp
  Value eval_binary(const ast::Expr& e, Scope& scope);
  Value eval_logical(const ast::Expr& e, Scope& scope);
  Value eval_unary(const ast::Expr& e, Scope& scope);
  Value fold(ast::OpKind op, const Value& a, const Value& b, const ast::Expr& e);
  Value tensor_binary(ast::OpKind op, const Value& a, const Value& b, const ast::Expr& e);

  // eval_calls.cpp
  Value eval_call(const ast::Expr& e, Scope& scope);
  /// `x |> spectral_norm(f(args))`: calls f(x, args) and marks its node.
  Value piped_spectral_norm(const ast::Expr& e, Scope& scope);
  /// Calls the block, invertible or builtin `target`; `leading` fills its first parameters.
  Value call(const std::string& target, const CallSite& site, Scope& scope,
             std::vector<Value> leading);
  /// Resolves a callee name as written to a target; reports UnknownOp / TypeError.
  std::optional<std::string> resolve_callee(const std::string& name, SourceRange at, Scope& scope);
  /// Matches and evaluates the arguments of `site` (defaults not filled). False on error.
  bool bind_args(const Signature& sig, const std::string& callee, const CallSite& site,
                 Scope& scope, std::vector<Value> leading, Bound& out);

  // builtin_calls.cpp
  Value call_builtin(const Builtin& b, const CallSite& site, Scope& scope,
                     std::vector<Value> leading);
  Value lower_op(const Builtin& b, Bound& args, const CallSite& site, Scope& scope);
  Value call_len(Bound& args);
  Value call_size(Bound& args);
  /// Marks the linear/conv/upconv node `v` (the result of call `e`) spectrally normalised.
  Value mark_spectral_norm(const Value& v, const ast::Expr* e, SourceRange at);

  // blocks.cpp
  Value expand_block(const ast::BlockDecl& decl, const CallSite& site, Scope& scope,
                     std::vector<Value> leading);
  /// Binds a block's or invertible's parameters in `inner` (defaults evaluated there).
  bool bind_params(const std::string& name, const CallSite& site, Scope& caller,
                   std::vector<Value> leading, Scope& inner);
  bool check_declared(const ParamSpec& p, const std::string& callee, const Value& v, SourceRange at,
                      Scope& inner);
  Exit exec_stmt(const ast::Stmt& s, Scope& scope, Value& ret);
  Exit exec_repeat(const ast::Stmt& s, Scope& scope, Value& ret);
  Exit exec_if(const ast::Stmt& s, Scope& scope, Value& ret);
  /// Evaluates a `repeat` bound, which must be a compile-time integer; nullopt after reporting.
  std::optional<int64_t> repeat_bound(const ast::Expr& e, Scope& scope);
  /// Evaluates the condition of `keyword` ("if", "?:", "repeat"): a comparison of tensors
  /// inside it is reported as DataDependentControl rather than a type error.
  Value eval_condition(const ast::Expr& e, Scope& scope, const char* keyword);

  // flows.cpp
  Value call_coupling(ir::Op op, Bound& args, const CallSite& site, Scope& scope);
  Value expand_invertible(const ast::InvertibleDecl& decl, const CallSite& site, Scope& scope,
                          std::vector<Value> leading);
  /// The first `return` statement of `body`, searching nested bodies, or null.
  static const ast::Stmt* first_return(const ast::Body& body);
  /// Every parameterised node added since `forward_nodes` (a user invertible's inverse
  /// body) has a forward twin of the same path, op, attributes and input types; else reports.
  bool inverse_params_match(const ast::InvertibleDecl& decl, const std::set<ir::NodeId>& forward_nodes);

  Globals& globals_;
  DiagnosticEngine& diags_;
  GraphBuilder builder_;
  int depth_ = 0;           ///< nested block expansions (RecursionLimit)
  int64_t expansions_ = 0;  ///< block expansions so far (a runaway recursion stops)
  bool stopped_ = false;    ///< a fatal error (recursion, size) stops evaluation
  const ast::Stmt* last_return_ = nullptr;
  const char* condition_of_ = nullptr;  ///< the keyword whose condition is being evaluated
};

/// Block expansion depth at which expansion is reported as recursive.
constexpr int kMaxBlockDepth = 64;
/// The most iterations one `repeat` may unroll.
constexpr int64_t kMaxRepeat = 10000;
/// The most block expansions while building one graph.
constexpr int64_t kMaxExpansions = 200000;

}  // namespace genc::sema
