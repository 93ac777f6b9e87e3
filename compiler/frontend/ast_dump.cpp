// ast::dump: the deterministic, indented text form of a module (`genc compile --emit ast`).
// Expressions print in source syntax with every operation parenthesised and pipes desugared.
#include <fmt/format.h>

#include "compiler/frontend/ast.h"

namespace genc::ast {
namespace {

std::string quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string number(const Expr& e) {
  if (e.is_int) return std::to_string(e.int_value);
  std::string s = fmt::format("{}", e.number);
  if (s.find_first_of(".eni") == std::string::npos) s += ".0";  // keep floats visibly floats
  return s;
}

std::string expr(const Expr& e);

std::string call(const Expr& e) {
  std::string out = e.text + "(";
  for (size_t i = 0; i < e.args.size(); ++i) {
    if (i > 0) out += ", ";
    if (!e.args[i].name.empty()) out += e.args[i].name + ": ";
    out += expr(*e.args[i].value);
  }
  return out + ")";
}

std::string expr(const Expr& e) {
  switch (e.kind) {
    case ExprKind::Number:
      return number(e);
    case ExprKind::String:
      return quote(e.text);
    case ExprKind::Bool:
      return e.boolean ? "true" : "false";
    case ExprKind::Name:
      return e.text;
    case ExprKind::List: {
      std::string out = "[";
      for (size_t i = 0; i < e.elems.size(); ++i) out += (i > 0 ? ", " : "") + expr(*e.elems[i]);
      return out + "]";
    }
    case ExprKind::Call:
      return call(e);
    case ExprKind::Binary:
      return "(" + expr(*e.elems[0]) + " " + op_spelling(e.op) + " " + expr(*e.elems[1]) + ")";
    case ExprKind::Unary:
      return std::string(op_spelling(e.op)) + (e.op == OpKind::Not ? " " : "") + expr(*e.elems[0]);
    case ExprKind::Index:
      return expr(*e.elems[0]) + "[" + expr(*e.elems[1]) + "]";
    case ExprKind::Ternary:
      return "(" + expr(*e.elems[0]) + " ? " + expr(*e.elems[1]) + " : " + expr(*e.elems[2]) + ")";
  }
  return "?";
}

std::string type(const Type& t) {
  switch (t.kind) {
    case TypeKind::Tensor: {
      std::string out = "[";
      for (size_t i = 0; i < t.dims.size(); ++i) out += (i > 0 ? ", " : "") + expr(*t.dims[i]);
      return out + "]";
    }
    case TypeKind::Tokens:
      return "tokens[" + expr(*t.length) + "] of " + expr(*t.vocab);
    case TypeKind::Label:
      return "label of " + expr(*t.classes);
    case TypeKind::Time:
      return "time";
    case TypeKind::Fn:
      return "fn";
    case TypeKind::Named:
      return t.name;
  }
  return "?";
}

std::string at(const SourceRange& r) {
  return " @" + std::to_string(r.begin.line) + ":" + std::to_string(r.begin.col);
}

class Dumper {
 public:
  std::string out;

  void line(int indent, const std::string& text, const SourceRange& r) {
    out.append(static_cast<size_t>(indent) * 2, ' ');
    out += text + at(r) + "\n";
  }
  void line(int indent, const std::string& text) {
    out.append(static_cast<size_t>(indent) * 2, ' ');
    out += text + "\n";
  }

  void params(int indent, const std::vector<Param>& ps) {
    for (const Param& p : ps) {
      std::string text = "param " + p.name;
      if (p.type) text += ": " + type(*p.type);
      if (p.default_value) text += " = " + expr(*p.default_value);
      line(indent, text, p.range);
    }
  }

  void body(int indent, const Body& b) {
    for (const StmtPtr& s : b) stmt(indent, *s);
  }

  void stmt(int indent, const Stmt& s) {
    switch (s.kind) {
      case StmtKind::Assign:
        line(indent, s.name + " = " + expr(*s.value), s.range);
        break;
      case StmtKind::Return:
        line(indent, "return " + expr(*s.value), s.range);
        break;
      case StmtKind::Repeat:
        line(indent,
             s.from ? "repeat " + s.name + " in " + expr(*s.from) + ".." + expr(*s.value)
                    : "repeat " + expr(*s.value),
             s.range);
        body(indent + 1, s.body);
        break;
      case StmtKind::If:
        line(indent, "if " + expr(*s.value), s.range);
        body(indent + 1, s.body);
        if (s.has_else) {
          line(indent, "else");
          body(indent + 1, s.else_body);
        }
        break;
    }
  }

  static std::string period(const Period& p) {
    if (!p.count) return "every epoch";
    return "every " + expr(*p.count) + (p.per_epoch ? " epochs" : " steps");
  }

  void module(const Module& m) {
    line(0, "module " + (m.file != nullptr ? m.file->path() : std::string("<unknown>")));
    for (const Use& u : m.uses) line(0, "use " + (u.is_file ? quote(u.module) : u.module), u.range);
    for (const DataDecl& d : m.data) {
      line(0, "data " + d.name, d.range);
      line(1, "source " + expr(*d.source), d.source->range);
      for (const ExprPtr& t : d.transforms) line(1, "transform " + expr(*t), t->range);
    }
    for (const BlockDecl& b : m.blocks) {
      line(0, "block " + b.name, b.range);
      params(1, b.params);
      body(1, b.body);
    }
    for (const InvertibleDecl& inv : m.invertibles) {
      line(0, "invertible " + inv.name, inv.range);
      params(1, inv.params);
      line(1, "forward");
      body(2, inv.forward);
      line(1, "inverse");
      body(2, inv.inverse);
    }
    for (const ModelDecl& model : m.models) {
      line(0, "model " + model.name, model.range);
      for (const Param& h : model.hyperparams)
        line(1, "hyper " + h.name + ": " + expr(*h.default_value), h.range);
      for (const RoleDecl& r : model.roles) {
        line(1, std::string(role_kind_name(r.kind)) + " " + r.name + " -> " + type(*r.result),
             r.range);
        params(2, r.params);
        body(2, r.body);
      }
      for (const ModelSetting& s : model.settings) {
        std::string text = s.keyword + (s.name.empty() ? "" : " " + s.name + " =");
        line(1, text + " " + expr(*s.value), s.range);
      }
    }
    for (const TrainDecl& t : m.trains) {
      line(0, "train " + t.model + " on " + t.data, t.range);
      for (const TrainSetting& s : t.settings) {
        std::string text = s.keyword;
        if (s.value) text += " " + expr(*s.value);
        if (!s.target.empty()) text += " on " + s.target;
        if (s.period) text += " " + period(*s.period);
        if (s.has_path) text += " to " + quote(s.path);
        line(1, text, s.range);
      }
    }
  }
};

}  // namespace

std::string dump(const Module& module) {
  Dumper d;
  d.module(module);
  return d.out;
}

}  // namespace genc::ast
