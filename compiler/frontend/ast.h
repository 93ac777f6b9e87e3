// The abstract syntax tree of a .gen file. Every node carries a SourceRange.
// Pipes are desugared by the frontend: `a |> f(b, k: v)` becomes Call f(a, b, k: v)
// and `a |> relu` becomes Call relu(a); the Call's range is that of `f(...)`/`relu`.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "compiler/support/source.h"

namespace genc::ast {

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct Arg {
  std::string name;  ///< empty for positional
  SourceRange name_range;
  ExprPtr value;
};

enum class ExprKind {
  Number,   ///< number (is_int says whether it was written without '.'/'e'), value
  String,   ///< text (escapes already resolved)
  Bool,     ///< boolean
  Name,     ///< name (also `none`)
  List,     ///< elems
  Call,     ///< name (callee), args
  Binary,   ///< op, lhs = elems[0], rhs = elems[1]
  Unary,    ///< op, operand = elems[0]
  Index,    ///< base = elems[0], index = elems[1]
  Ternary,  ///< cond = elems[0], then = elems[1], else = elems[2]
};

/// Binary and unary operators, spelled as in source.
enum class OpKind { Add, Sub, Mul, Div, Mod, MatMul, Eq, Ne, Lt, Le, Gt, Ge, And, Or, Neg, Not };
const char* op_spelling(OpKind op);

struct Expr {
  ExprKind kind;
  SourceRange range;    ///< the whole expression
  SourceRange op_range; ///< Binary/Unary: the operator token; Call: the callee name
  double number = 0;
  bool is_int = false;
  int64_t int_value = 0;
  bool boolean = false;
  std::string text;  ///< String text, Name/Call identifier
  OpKind op = OpKind::Add;
  std::vector<ExprPtr> elems;  ///< List elements and operands, see ExprKind
  std::vector<Arg> args;       ///< Call arguments
  bool piped = false;          ///< Call: args[0] is the value piped in (`a |> f(...)`)
};

// ---------------------------------------------------------------- types

enum class TypeKind {
  Tensor,  ///< `[d1, d2, ...]`: dims
  Tokens,  ///< `tokens[L] of V`: length, vocab
  Label,   ///< `label of K`: classes
  Time,    ///< `time`
  Fn,      ///< `fn` (an op or block passed as a value)
  Named,   ///< a bare identifier: gaussian, bernoulli, categorical, normal, ...
};

struct Type {
  TypeKind kind = TypeKind::Tensor;
  SourceRange range;
  std::vector<ExprPtr> dims;  ///< Tensor
  ExprPtr length, vocab;      ///< Tokens
  ExprPtr classes;            ///< Label
  std::string name;           ///< Named
};
using TypePtr = std::unique_ptr<Type>;

// ---------------------------------------------------------------- statements

struct Stmt;
using StmtPtr = std::unique_ptr<Stmt>;
using Body = std::vector<StmtPtr>;

enum class StmtKind {
  Assign,  ///< name = value
  Return,  ///< return value
  Repeat,  ///< repeat count {body} | repeat var in from..to {body}
  If,      ///< if cond {body} else {else_body}  (`else if` nests an If in else_body)
};

struct Stmt {
  StmtKind kind;
  SourceRange range;
  std::string name;  ///< Assign target; Repeat loop variable (empty if none)
  SourceRange name_range;
  ExprPtr value;     ///< Assign/Return value; Repeat count (or range end when `from` is set); If cond
  ExprPtr from;      ///< Repeat range start (`repeat i in from..value`), else null
  Body body;
  Body else_body;
  bool has_else = false;
};

// ---------------------------------------------------------------- declarations

/// A parameter of a block, role or invertible: `name`, `name: type`, `name = default`.
struct Param {
  std::string name;
  SourceRange range;
  TypePtr type;     ///< may be null
  ExprPtr default_value;  ///< may be null
};

struct Use {
  SourceRange range;
  bool is_file = false;
  std::string module;  ///< "std.nn" or the file path as written
};

struct DataDecl {
  SourceRange range;
  std::string name;
  ExprPtr source;                   ///< a Call (or Name for an argument-less source)
  std::vector<ExprPtr> transforms;  ///< Calls or Names, in pipe order
};

struct BlockDecl {
  SourceRange range;
  std::string name;
  std::vector<Param> params;
  Body body;
};

struct InvertibleDecl {
  SourceRange range;
  std::string name;
  std::vector<Param> params;
  Body forward;  ///< returns the output; binds `logdet`
  Body inverse;
};

enum class RoleKind { Encoder, Decoder, Generator, Discriminator, Flow, Denoiser, Autoregressive };
const char* role_kind_name(RoleKind kind);

struct RoleDecl {
  SourceRange range;
  RoleKind kind;
  std::string name;
  SourceRange name_range;
  std::vector<Param> params;  ///< each with a type
  TypePtr result;
  Body body;
};

/// `schedule NAME = call`, `prior NAME = expr`, `objective call`, `sampler call`.
struct ModelSetting {
  SourceRange range;
  std::string keyword;  ///< "schedule", "prior", "objective", "sampler"
  std::string name;     ///< schedule/prior name; empty otherwise
  ExprPtr value;        ///< a Call or a Name (`objective nll`)
};

struct ModelDecl {
  SourceRange range;
  std::string name;
  SourceRange name_range;
  std::vector<Param> hyperparams;  ///< `name: default` stored as default_value
  std::vector<RoleDecl> roles;
  std::vector<ModelSetting> settings;
};

/// One line of a train block. The keyword decides which fields are set:
///   batch/epochs/steps/seed/clip_grad/ema: value
///   optimizer/lr_schedule/device/precision: value (Call or Name)
///   checkpoint every PERIOD to "dir": period, path
///   log every PERIOD: period
///   eval on DATA every PERIOD: target, period
///   sample N every PERIOD to "dir": value, period, path
struct Period {
  SourceRange range;
  bool per_epoch = false;  ///< `every epoch` / `every N epochs`
  ExprPtr count;           ///< null for bare `every epoch`
};

struct TrainSetting {
  SourceRange range;
  std::string keyword;  ///< sema reports one it does not know (`momentum 0.9`)
  SourceRange keyword_range;
  ExprPtr value;
  std::string target;  ///< eval's dataset name
  SourceRange target_range;
  std::optional<Period> period;
  std::string path;
  bool has_path = false;
};

struct TrainDecl {
  SourceRange range;
  std::string model;
  SourceRange model_range;
  std::string data;
  SourceRange data_range;
  std::vector<TrainSetting> settings;
};

/// A parsed file. Declarations are kept in source order per kind.
struct Module {
  const SourceFile* file = nullptr;
  std::vector<Use> uses;
  std::vector<DataDecl> data;
  std::vector<BlockDecl> blocks;
  std::vector<InvertibleDecl> invertibles;
  std::vector<ModelDecl> models;
  std::vector<TrainDecl> trains;
};

/// Deterministic, indented text dump used by `genc compile --emit ast` and golden tests.
std::string dump(const Module& module);

}  // namespace genc::ast
