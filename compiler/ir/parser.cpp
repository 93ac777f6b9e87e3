// Reads the graph IR text form (as written by printer.cpp) back into an ir::Program.
//
// Grammar (whitespace and newlines separate tokens; `//` comments run to the line end):
//   file     := item*
//   item     := dataset | model | train
//   dataset  := 'data' name loc? '{' ('source' setting | 'transform' setting
//                                     | 'x' type | 'y' type)* '}'
//   model    := 'model' name loc? '{' mstmt* '}'
//   mstmt    := 'hyperparams' attrs | 'objective' setting | 'sampler' setting
//             | 'schedule' setting | 'prior' setting | function
//   function := name name '(' (name ':' type (',' name ':' type)*)? ')' '->' type loc? '{' node*
//   '}' node     := VALUE '=' IDENT (operand (',' operand)*)? attrs? (':' type (',' type)*)?
//               STRING? loc? ('fused' '[' loc (',' loc)* ']')?
//   operand  := VALUE ('#' INT)?                     VALUE is '%' followed by digits
//   train    := 'train' name 'on' name loc? '{' setting* '}'
//   setting  := name attrs? loc?
//   attrs    := '{' (name '=' attr (',' name '=' attr)*)? '}'
//   attr     := 'true' | 'false' | number | STRING | '[' (scalar (',' scalar)*)? ']'
//   number   := '-'? (INT | FLOAT | 'inf' | 'nan')
//   type     := ('f32' | 'i64' | 'gaussian' | 'bernoulli' | 'categorical')
//               '[' ('-'? INT (',' '-'? INT)*)? ']' ('of' INT)?
//   loc      := '@' '?' | '@' STRING ':' INT ':' INT '-' INT ':' INT
//   name     := IDENT | STRING
// A function is told apart from a model statement by its '(' after two names. Operands
// must be defined by an earlier node of the same function. `[]` reads as an empty list
// of integers. The parser stops at the first error.
#include "compiler/ir/parser.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <limits>
#include <string>
#include <vector>

#include "compiler/ir/ir_lexer.h"

namespace genc::ir {
namespace {

using text::lex_ir;
using text::Tok;
using text::Token;

/// Recursive descent over the token list. Every parse function returns false after
/// reporting the first error; callers stop at once, so there is exactly one error.
class Parser {
 public:
  Parser(const SourceFile& file, SourceManager& sources, DiagnosticEngine& diags)
      : file_(file), sources_(sources), diags_(diags), toks_(lex_ir(file.text())) {}

  std::optional<Program> run() {
    Program program;
    while (!at_end()) {
      bool ok = false;
      if (is_ident("data")) {
        program.datasets.emplace_back();
        ok = dataset(program.datasets.back());
      } else if (is_ident("model")) {
        program.models.emplace_back();
        ok = model(program.models.back());
      } else if (is_ident("train")) {
        program.trains.emplace_back();
        ok = train(program.trains.back());
      } else {
        ok = error_here("expected 'data', 'model' or 'train'");
      }
      if (!ok) return std::nullopt;
    }
    return program;
  }

 private:
  // --- token access
  const Token& peek(size_t k = 0) const { return toks_[std::min(pos_ + k, toks_.size() - 1)]; }
  const Token& next() {
    const Token& t = peek();
    if (pos_ + 1 < toks_.size()) ++pos_;
    return t;
  }
  bool at_end() const { return peek().kind == Tok::End; }
  bool is_punct(const char* p, size_t k = 0) const {
    return peek(k).kind == Tok::Punct && peek(k).text == p;
  }
  bool is_ident(const char* id, size_t k = 0) const {
    return peek(k).kind == Tok::Ident && peek(k).text == id;
  }
  bool is_name(size_t k = 0) const {
    return peek(k).kind == Tok::Ident || peek(k).kind == Tok::String;
  }

  SourceRange range(const Token& t) const {
    return SourceRange{&file_, SourceLoc{t.line, t.col}, SourceLoc{t.line, t.col + t.len}};
  }

  static std::string describe(const Token& t) {
    switch (t.kind) {
      case Tok::End:
        return "end of input";
      case Tok::String:
        return "string \"" + t.text + "\"";
      case Tok::Value:
        return "'%" + t.text + "'";
      case Tok::Ident:
      case Tok::Int:
      case Tok::Float:
      case Tok::Punct:
        return "'" + t.text + "'";
      case Tok::Error:
        return "invalid input";
    }
    return "";
  }

  bool error_at(const Token& t, const std::string& message) {
    diags_.report(DiagKind::IRParseError, range(t), {message});
    return false;
  }
  /// Reports at the current token; a lexical error there takes precedence.
  bool error_here(const std::string& expected) {
    const Token& t = peek();
    if (t.kind == Tok::Error) return error_at(t, t.text);
    return error_at(t, expected + ", found " + describe(t));
  }

  bool expect_punct(const char* p) {
    if (!is_punct(p)) return error_here(fmt::format("expected '{}'", p));
    next();
    return true;
  }
  bool expect_ident(const char* id) {
    if (!is_ident(id)) return error_here(fmt::format("expected '{}'", id));
    next();
    return true;
  }
  bool name(std::string& out, const char* what) {
    if (!is_name()) return error_here(fmt::format("expected {}", what));
    out = next().text;
    return true;
  }

  // --- numbers
  /// The value of Int token `t`, negated when `neg` (so the most negative int64 reads).
  bool parse_int(const Token& t, bool neg, int64_t& out) {
    std::string digits = (neg ? "-" : "") + t.text;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out);
    if (ec != std::errc() || end != digits.data() + digits.size())
      return error_at(t, fmt::format("integer {} is out of range", digits));
    return true;
  }
  bool int_token(int64_t& out, bool allow_negative, const char* what) {
    bool neg = false;
    if (allow_negative && is_punct("-")) {
      next();
      neg = true;
    }
    const Token& t = peek();
    if (t.kind != Tok::Int) return error_here(fmt::format("expected {}", what));
    if (!parse_int(t, neg, out)) return false;
    next();
    return true;
  }
  bool small_int(int& out, const char* what) {
    const Token& t = peek();
    int64_t v = 0;
    if (!int_token(v, false, what)) return false;
    if (v > std::numeric_limits<int>::max())
      return error_at(t, fmt::format("{} {} is out of range", what, v));
    out = static_cast<int>(v);
    return true;
  }

  // --- locations
  bool loc(SourceRange& out) {
    if (!expect_punct("@")) return false;
    if (is_punct("?")) {
      next();
      out = SourceRange{};
      return true;
    }
    if (peek().kind != Tok::String) return error_here("expected a file path or '?' after '@'");
    std::string path = next().text;
    SourceRange r;
    if (!(expect_punct(":") && small_int(r.begin.line, "a line number") && expect_punct(":") &&
          small_int(r.begin.col, "a column number") && expect_punct("-") &&
          small_int(r.end.line, "a line number") && expect_punct(":") &&
          small_int(r.end.col, "a column number")))
      return false;
    r.file = sources_.placeholder(path);
    out = r;
    return true;
  }
  bool opt_loc(SourceRange& out) { return is_punct("@") ? loc(out) : true; }

  // --- attributes
  /// A scalar attribute value; lists are handled by attr().
  bool scalar(Attr& out) {
    const Token& t = peek();
    if (is_ident("true") || is_ident("false")) {
      out = next().text == "true";
      return true;
    }
    if (t.kind == Tok::String) {
      out = next().text;
      return true;
    }
    bool neg = false;
    if (is_punct("-")) {
      neg = true;
      next();
    }
    const Token& n = peek();
    if (n.kind == Tok::Int) {
      int64_t v = 0;
      if (!parse_int(n, neg, v)) return false;
      next();
      out = v;
      return true;
    }
    double v = 0;
    if (n.kind == Tok::Float) {
      auto [end, ec] = std::from_chars(n.text.data(), n.text.data() + n.text.size(), v);
      if (ec != std::errc() || end != n.text.data() + n.text.size())
        return error_at(n, fmt::format("number {} is out of range", n.text));
    } else if (is_ident("inf")) {
      v = std::numeric_limits<double>::infinity();
    } else if (is_ident("nan")) {
      v = std::numeric_limits<double>::quiet_NaN();
    } else {
      return error_here("expected an attribute value");
    }
    next();
    out = neg ? -v : v;
    return true;
  }

  bool attr(Attr& out) {
    if (!is_punct("[")) {
      if (!scalar(out)) return false;
      return true;
    }
    next();
    std::vector<Attr> items;
    std::vector<Token> item_toks;
    while (!is_punct("]")) {
      if (!items.empty() && !expect_punct(",")) return false;
      item_toks.push_back(peek());
      if (is_punct("[")) return error_here("nested lists are not supported");
      items.emplace_back();
      if (!scalar(items.back())) return false;
    }
    next();
    // The element type: strings if the first one is, else doubles if any element is a
    // double, else integers.
    bool strings = !items.empty() && std::holds_alternative<std::string>(items[0]);
    bool any_double = false;
    for (size_t i = 0; i < items.size(); ++i) {
      if (std::holds_alternative<bool>(items[i]))
        return error_at(item_toks[i], "lists of booleans are not supported");
      if (std::holds_alternative<std::string>(items[i]) != strings)
        return error_at(item_toks[i], "a list mixes strings and numbers");
      any_double |= std::holds_alternative<double>(items[i]);
    }
    if (strings) {
      std::vector<std::string> v;
      for (const Attr& a : items) v.push_back(std::get<std::string>(a));
      out = std::move(v);
    } else if (any_double) {
      std::vector<double> v;
      for (const Attr& a : items)
        v.push_back(std::holds_alternative<double>(a) ? std::get<double>(a)
                                                      : static_cast<double>(std::get<int64_t>(a)));
      out = std::move(v);
    } else {
      std::vector<int64_t> v;
      for (const Attr& a : items) v.push_back(std::get<int64_t>(a));
      out = std::move(v);
    }
    return true;
  }

  bool attrs(Attrs& out) {
    if (!expect_punct("{")) return false;
    while (!is_punct("}")) {
      if (!out.empty() && !expect_punct(",")) return false;
      const Token& key_tok = peek();
      std::string key;
      if (!name(key, "an attribute name")) return false;
      if (out.count(key))
        return error_at(key_tok, fmt::format("attribute '{}' is given twice", key));
      Attr value;
      if (!(expect_punct("=") && attr(value))) return false;
      out.emplace(std::move(key), std::move(value));
    }
    next();
    return true;
  }
  bool opt_attrs(Attrs& out) { return is_punct("{") ? attrs(out) : true; }

  bool setting(Setting& out) {
    return name(out.name, "a name") && opt_attrs(out.args) && opt_loc(out.loc);
  }

  // --- types
  bool type(ValueType& out) {
    const Token& t = peek();
    if (t.kind != Tok::Ident) return error_here("expected a type");
    ValueType v;
    if (t.text == "f32") {
      v.dtype = DType::F32;
    } else if (t.text == "i64") {
      v.dtype = DType::I64;
    } else if (t.text == "gaussian") {
      v.kind = ValueKind::Gaussian;
    } else if (t.text == "bernoulli") {
      v.kind = ValueKind::Bernoulli;
    } else if (t.text == "categorical") {
      v.kind = ValueKind::Categorical;
    } else {
      return error_at(t, fmt::format("unknown type '{}'", t.text));
    }
    next();
    if (!expect_punct("[")) return false;
    while (!is_punct("]")) {
      if (!v.dims.empty() && !expect_punct(",")) return false;
      int64_t d = 0;
      if (!int_token(d, true, "a dimension")) return false;
      v.dims.push_back(d);
    }
    next();
    if (is_ident("of")) {
      next();
      if (!int_token(v.classes, false, "a class count")) return false;
    }
    out = std::move(v);
    return true;
  }

  // --- graphs
  bool node_id(NodeId& out) {
    const Token& t = peek();
    if (t.kind != Tok::Value) return error_here("expected a value like '%3'");
    int64_t v = 0;
    auto [end, ec] = std::from_chars(t.text.data(), t.text.data() + t.text.size(), v);
    if (ec != std::errc() || end != t.text.data() + t.text.size() ||
        v > std::numeric_limits<NodeId>::max())
      return error_at(t, fmt::format("node id %{} is out of range", t.text));
    out = static_cast<NodeId>(v);
    next();
    return true;
  }

  bool operand(const Graph& g, ValueRef& out) {
    const Token& t = peek();
    if (!node_id(out.node)) return false;
    if (is_punct("#")) {
      next();
      if (!small_int(out.port, "a result number")) return false;
    }
    if (!g.contains(out.node)) return error_at(t, fmt::format("undefined value %{}", out.node));
    const Node& def = g.node(out.node);
    if (out.port >= static_cast<int>(def.outputs.size()))
      return error_at(
          t, fmt::format("%{} ({}) has no result #{}", out.node, op_name(def.op), out.port));
    return true;
  }

  bool node(Graph& g) {
    Node n;
    const Token& id_tok = peek();
    if (!node_id(n.id)) return false;
    if (g.contains(n.id)) return error_at(id_tok, fmt::format("node %{} is defined twice", n.id));
    if (!expect_punct("=")) return false;
    const Token& op_tok = peek();
    if (op_tok.kind != Tok::Ident) return error_here("expected an op name");
    std::optional<Op> op = op_from_name(op_tok.text);
    if (!op) return error_at(op_tok, fmt::format("unknown op '{}'", op_tok.text));
    n.op = *op;
    next();
    if (peek().kind == Tok::Value) {
      do {
        if (!n.inputs.empty()) next();  // the ','
        n.inputs.emplace_back();
        if (!operand(g, n.inputs.back())) return false;
      } while (is_punct(","));
    }
    if (!opt_attrs(n.attrs)) return false;
    if (is_punct(":")) {
      do {
        next();  // ':' or ','
        n.outputs.emplace_back();
        if (!type(n.outputs.back())) return false;
      } while (is_punct(","));
    }
    if (peek().kind == Tok::String) n.name = next().text;
    if (!opt_loc(n.loc)) return false;
    if (is_ident("fused")) {
      next();
      if (!expect_punct("[")) return false;
      do {
        if (!n.fused.empty()) next();  // the ','
        n.fused.emplace_back();
        if (!loc(n.fused.back())) return false;
      } while (is_punct(","));
      if (!expect_punct("]")) return false;
    }
    g.add_with_id(std::move(n));
    return true;
  }

  bool function(Function& f) {
    if (!(name(f.role, "a role") && name(f.name, "a function name") && expect_punct("(")))
      return false;
    while (!is_punct(")")) {
      if (!f.params.empty() && !expect_punct(",")) return false;
      Param p;
      if (!(name(p.name, "a parameter name") && expect_punct(":") && type(p.type))) return false;
      f.params.push_back(std::move(p));
    }
    next();
    if (!(expect_punct("->") && type(f.result) && opt_loc(f.loc) && expect_punct("{")))
      return false;
    while (!is_punct("}")) {
      if (peek().kind != Tok::Value) return error_here("expected a node like '%3 = ...' or '}'");
      if (!node(f.graph)) return false;
    }
    next();
    return true;
  }

  // --- top-level items
  bool dataset(Dataset& d) {
    next();  // 'data'
    if (!(name(d.name, "a dataset name") && opt_loc(d.loc) && expect_punct("{"))) return false;
    bool has_source = false, has_x = false;
    while (!is_punct("}")) {
      const Token& t = peek();
      bool ok = false;
      if (is_ident("source")) {
        if (has_source) return error_at(t, "a dataset has one source");
        next();
        ok = setting(d.source);
        has_source = true;
      } else if (is_ident("transform")) {
        next();
        d.transforms.emplace_back();
        ok = setting(d.transforms.back());
      } else if (is_ident("x")) {
        if (has_x) return error_at(t, "'x' is given twice");
        next();
        ok = type(d.x);
        has_x = true;
      } else if (is_ident("y")) {
        if (d.y) return error_at(t, "'y' is given twice");
        next();
        d.y.emplace();
        ok = type(*d.y);
      } else {
        ok = error_here("expected 'source', 'transform', 'x', 'y' or '}'");
      }
      if (!ok) return false;
    }
    if (!has_source) return error_at(peek(), fmt::format("dataset '{}' has no source", d.name));
    if (!has_x) return error_at(peek(), fmt::format("dataset '{}' has no 'x' type", d.name));
    next();
    return true;
  }

  bool optional_setting(std::optional<Setting>& slot, const Token& t) {
    if (slot) return error_at(t, fmt::format("'{}' is given twice", t.text));
    next();
    slot.emplace();
    return setting(*slot);
  }

  bool model(Model& m) {
    next();  // 'model'
    if (!(name(m.name, "a model name") && opt_loc(m.loc) && expect_punct("{"))) return false;
    bool has_hyper = false;
    while (!is_punct("}")) {
      const Token& t = peek();
      bool ok = false;
      if (is_name(0) && is_name(1) && is_punct("(", 2)) {
        m.roles.emplace_back();
        ok = function(m.roles.back());
      } else if (is_ident("hyperparams")) {
        if (has_hyper) return error_at(t, "'hyperparams' is given twice");
        next();
        ok = attrs(m.hyperparams);
        has_hyper = true;
      } else if (is_ident("objective")) {
        ok = optional_setting(m.objective, t);
      } else if (is_ident("sampler")) {
        ok = optional_setting(m.sampler, t);
      } else if (is_ident("schedule")) {
        next();
        m.schedules.emplace_back();
        ok = setting(m.schedules.back());
      } else if (is_ident("prior")) {
        next();
        m.priors.emplace_back();
        ok = setting(m.priors.back());
      } else {
        ok = error_here(
            "expected a role, 'hyperparams', 'objective', 'sampler', 'schedule', 'prior' or '}'");
      }
      if (!ok) return false;
    }
    next();
    return true;
  }

  bool train(Train& t) {
    next();  // 'train'
    if (!(name(t.model, "a model name") && expect_ident("on") && name(t.data, "a dataset name") &&
          opt_loc(t.loc) && expect_punct("{")))
      return false;
    while (!is_punct("}")) {
      if (!is_name()) return error_here("expected a train setting or '}'");
      t.settings.emplace_back();
      if (!setting(t.settings.back())) return false;
    }
    next();
    return true;
  }

  const SourceFile& file_;
  SourceManager& sources_;
  DiagnosticEngine& diags_;
  std::vector<Token> toks_;
  size_t pos_ = 0;
};

}  // namespace

std::optional<Program> parse_ir(const SourceFile& file, SourceManager& sources,
                                DiagnosticEngine& diags) {
  return Parser(file, sources, diags).run();
}

}  // namespace genc::ir
