// Builds the AST from the ANTLR parse tree: precise ranges, desugared pipes, literal values.
#include "compiler/frontend/ast_builder.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

#include "compiler/frontend/token_text.h"

namespace genc::frontend {
namespace {

using P = genc_dsl::GenParser;
using antlr4::ParserRuleContext;
using antlr4::Token;
using antlr4::tree::TerminalNode;

/// Thrown (after reporting) when an expression is too deep to build.
struct ExprTooDeep {};

/// An expression under construction and the height of its tree.
struct Built {
  ast::ExprPtr expr;
  int depth = 1;
};

ast::OpKind binary_op(size_t token_type) {
  switch (token_type) {
    case P::PLUS:
      return ast::OpKind::Add;
    case P::MINUS:
      return ast::OpKind::Sub;
    case P::STAR:
      return ast::OpKind::Mul;
    case P::SLASH:
      return ast::OpKind::Div;
    case P::PERCENT:
      return ast::OpKind::Mod;
    case P::AT:
      return ast::OpKind::MatMul;
    case P::EQ:
      return ast::OpKind::Eq;
    case P::NE:
      return ast::OpKind::Ne;
    case P::LT:
      return ast::OpKind::Lt;
    case P::LE:
      return ast::OpKind::Le;
    case P::GT:
      return ast::OpKind::Gt;
    case P::GE:
      return ast::OpKind::Ge;
    case P::AND:
      return ast::OpKind::And;
    case P::OR:
      return ast::OpKind::Or;
    default:
      internal_error("not a binary operator token: " + std::to_string(token_type));
  }
}

ast::RoleKind role_kind(size_t token_type) {
  switch (token_type) {
    case P::ENCODER:
      return ast::RoleKind::Encoder;
    case P::DECODER:
      return ast::RoleKind::Decoder;
    case P::GENERATOR:
      return ast::RoleKind::Generator;
    case P::DISCRIMINATOR:
      return ast::RoleKind::Discriminator;
    case P::FLOW:
      return ast::RoleKind::Flow;
    case P::DENOISER:
      return ast::RoleKind::Denoiser;
    case P::AUTOREGRESSIVE:
      return ast::RoleKind::Autoregressive;
    default:
      internal_error("not a role keyword token: " + std::to_string(token_type));
  }
}

/// The text between the quotes of a STRING token, with \" and \\ resolved.
std::string unescape(const std::string& quoted) {
  std::string out;
  for (size_t i = 1; i + 1 < quoted.size(); ++i) {
    if (quoted[i] == '\\' && i + 2 < quoted.size()) ++i;
    out += quoted[i];
  }
  return out;
}

class Builder {
 public:
  Builder(const SourceFile& file, DiagnosticEngine& diags) : file_(file), diags_(diags) {}

  std::unique_ptr<ast::Module> module(P::ProgramContext& ctx) {
    auto m = std::make_unique<ast::Module>();
    m->file = &file_;
    try {
      for (P::TopDeclContext* d : ctx.topDecl()) top_decl(*m, d);
    } catch (const ExprTooDeep&) {
      return nullptr;
    }
    return errors_ > 0 ? nullptr : std::move(m);
  }

 private:
  // ------------------------------------------------------------ helpers
  SourceRange range(ParserRuleContext* c) const { return context_range(file_, c); }
  SourceRange range(const Token* t) const { return token_range(file_, t); }
  SourceRange range(TerminalNode* n) const { return token_range(file_, n->getSymbol()); }
  std::string text(const Token* t) const { return token_text(file_, t); }
  std::string name(P::IdentContext* c) const { return text(c->getStart()); }

  Diagnostic& error(DiagKind kind, SourceRange r, std::vector<std::string> args) {
    ++errors_;
    return diags_.report(kind, r, std::move(args));
  }

  ast::ExprPtr leaf(ast::ExprKind kind, SourceRange r) {
    auto e = std::make_unique<ast::Expr>();
    e->kind = kind;
    e->range = r;
    return e;
  }

  /// Checks the height of a new node; an over-deep tree is reported once and abandoned.
  Built finish(ast::ExprPtr e, int depth) {
    if (depth > kMaxExprDepth) {
      error(DiagKind::SyntaxError, e->op_range.valid() ? e->op_range : e->range,
            {"expression is nested too deeply (more than " + std::to_string(kMaxExprDepth) +
             " levels)"})
          .hint = "split it into several bindings";
      throw ExprTooDeep{};
    }
    return Built{std::move(e), depth};
  }

  /// `range` spans both operands as written, parentheses included.
  Built binary(ast::OpKind op, SourceRange range, SourceRange op_range, Built lhs, Built rhs) {
    auto e = leaf(ast::ExprKind::Binary, range);
    e->op = op;
    e->op_range = op_range;
    int depth = std::max(lhs.depth, rhs.depth) + 1;
    e->elems.push_back(std::move(lhs.expr));
    e->elems.push_back(std::move(rhs.expr));
    return finish(std::move(e), depth);
  }

  // ------------------------------------------------------------ expressions
  Built expr(P::ExprContext* c) {
    std::vector<P::OrExprContext*> conds = c->orExpr();
    std::vector<P::ExprContext*> thens = c->expr();
    std::vector<TerminalNode*> questions = c->QUESTION();
    Built result = or_expr(conds.back());
    for (size_t k = thens.size(); k-- > 0;) {
      Built cond = or_expr(conds[k]);
      Built then = expr(thens[k]);
      auto e = leaf(ast::ExprKind::Ternary, join(range(conds[k]), range(conds.back())));
      e->op_range = range(questions[k]);
      int depth = std::max({cond.depth, then.depth, result.depth}) + 1;
      e->elems.push_back(std::move(cond.expr));
      e->elems.push_back(std::move(then.expr));
      e->elems.push_back(std::move(result.expr));
      result = finish(std::move(e), depth);
    }
    return result;
  }

  /// Left-associative chains `a op b op c`: operands are `Operand` contexts, operators are
  /// terminal nodes or single-token rules between them.
  template <typename Operand, typename Fn>
  Built chain(ParserRuleContext* c, Fn operand) {
    Built acc;
    const Token* op = nullptr;
    Operand* first = nullptr;
    for (antlr4::tree::ParseTree* child : c->children) {
      if (auto* o = dynamic_cast<Operand*>(child)) {
        Built rhs = (this->*operand)(o);
        if (first == nullptr) {
          first = o;
          acc = std::move(rhs);
        } else {
          acc = binary(binary_op(op->getType()), join(range(first), range(o)), range(op),
                       std::move(acc), std::move(rhs));
        }
      } else if (auto* t = dynamic_cast<TerminalNode*>(child)) {
        op = t->getSymbol();
      } else {
        op = static_cast<ParserRuleContext*>(child)->getStart();
      }
    }
    return acc;
  }

  Built or_expr(P::OrExprContext* c) { return chain<P::AndExprContext>(c, &Builder::and_expr); }
  Built and_expr(P::AndExprContext* c) { return chain<P::NotExprContext>(c, &Builder::not_expr); }
  Built add_expr(P::AddExprContext* c) { return chain<P::MulExprContext>(c, &Builder::mul_expr); }
  Built mul_expr(P::MulExprContext* c) {
    return chain<P::UnaryExprContext>(c, &Builder::unary_expr);
  }
  Built cmp_expr(P::CmpExprContext* c) { return chain<P::PipeExprContext>(c, &Builder::pipe_expr); }

  Built not_expr(P::NotExprContext* c) {
    if (c->NOT() == nullptr) return cmp_expr(c->cmpExpr());
    return unary(ast::OpKind::Not, c, c->NOT(), not_expr(c->notExpr()));
  }

  Built unary_expr(P::UnaryExprContext* c) {
    if (c->MINUS() == nullptr) return postfix_expr(c->postfixExpr());
    return unary(ast::OpKind::Neg, c, c->MINUS(), unary_expr(c->unaryExpr()));
  }

  Built unary(ast::OpKind op, ParserRuleContext* c, TerminalNode* op_token, Built operand) {
    auto e = leaf(ast::ExprKind::Unary, range(c));
    e->op = op;
    e->op_range = range(op_token);
    e->elems.push_back(std::move(operand.expr));
    return finish(std::move(e), operand.depth + 1);
  }

  /// `a |> f(b)` is `f(a, b)`; `a |> f` is `f(a)`.
  Built pipe_expr(P::PipeExprContext* c) {
    Built acc = add_expr(c->addExpr());
    for (P::CallOrNameContext* target : c->callOrName()) {
      Built piped = std::move(acc);
      acc = call(target->ident(), target, target->argList(), std::move(piped));
    }
    return acc;
  }

  Built postfix_expr(P::PostfixExprContext* c) {
    Built acc = primary(c->primary());
    std::vector<P::ExprContext*> indices = c->expr();
    std::vector<TerminalNode*> opens = c->LBRACK();
    std::vector<TerminalNode*> closes = c->RBRACK();
    for (size_t i = 0; i < indices.size(); ++i) {
      Built index = expr(indices[i]);
      auto e = leaf(ast::ExprKind::Index, join(range(c->primary()), range(closes[i])));
      e->op_range = range(opens[i]);
      int depth = std::max(acc.depth, index.depth) + 1;
      e->elems.push_back(std::move(acc.expr));
      e->elems.push_back(std::move(index.expr));
      acc = finish(std::move(e), depth);
    }
    return acc;
  }

  Built primary(P::PrimaryContext* c) {
    if (auto* n = dynamic_cast<P::NumberExprContext*>(c)) return number(n->NUMBER()->getSymbol());
    if (auto* s = dynamic_cast<P::StringExprContext*>(c)) {
      auto e = leaf(ast::ExprKind::String, range(c));
      e->text = unescape(text(s->STRING()->getSymbol()));
      return Built{std::move(e), 1};
    }
    if (auto* b = dynamic_cast<P::BoolExprContext*>(c)) {
      auto e = leaf(ast::ExprKind::Bool, range(c));
      e->boolean = b->TRUE() != nullptr;
      return Built{std::move(e), 1};
    }
    if (auto* call_ctx = dynamic_cast<P::CallExprContext*>(c)) {
      return call(call_ctx->ident(), c, call_ctx->argList(), Built{});
    }
    if (auto* n = dynamic_cast<P::NameExprContext*>(c)) return name_expr(n->ident());
    if (auto* l = dynamic_cast<P::ListExprContext*>(c)) {
      auto e = leaf(ast::ExprKind::List, range(c));
      int depth = 0;
      if (l->exprList() != nullptr) {
        for (P::ExprContext* x : l->exprList()->expr()) {
          Built elem = expr(x);
          depth = std::max(depth, elem.depth);
          e->elems.push_back(std::move(elem.expr));
        }
      }
      return finish(std::move(e), depth + 1);
    }
    auto* paren = dynamic_cast<P::ParenExprContext*>(c);
    GENC_ASSERT(paren != nullptr, "unhandled primary expression");
    return expr(paren->expr());
  }

  Built name_expr(P::IdentContext* c) {
    auto e = leaf(ast::ExprKind::Name, range(c));
    e->text = name(c);
    return Built{std::move(e), 1};
  }

  /// A call `callee(args)`; `piped`, when set, becomes the first positional argument.
  Built call(P::IdentContext* callee, ParserRuleContext* whole, P::ArgListContext* args,
             Built piped) {
    auto e = leaf(ast::ExprKind::Call, range(whole));
    e->text = name(callee);
    e->op_range = range(callee);
    int depth = 0;
    if (piped.expr) {
      depth = piped.depth;
      e->args.push_back(ast::Arg{"", {}, std::move(piped.expr)});
      e->piped = true;
    }
    if (args != nullptr) {
      for (P::ArgContext* a : args->arg()) {
        ast::Arg arg;
        if (a->COLON() != nullptr) {
          arg.name = name(a->ident());
          arg.name_range = range(a->ident());
        }
        Built value = expr(a->expr());
        depth = std::max(depth, value.depth);
        arg.value = std::move(value.expr);
        e->args.push_back(std::move(arg));
      }
    }
    return finish(std::move(e), depth + 1);
  }

  /// `f(args)` or a bare `f` where the grammar takes a call or a name.
  ast::ExprPtr call_or_name(P::CallOrNameContext* c) {
    if (c->LPAREN() == nullptr) return name_expr(c->ident()).expr;
    return call(c->ident(), c, c->argList(), Built{}).expr;
  }

  Built number(const Token* t) {
    std::string s = text(t);
    auto e = leaf(ast::ExprKind::Number, range(t));
    e->is_int = s.find_first_of(".eE") == std::string::npos;
    if (e->is_int) {
      auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), e->int_value);
      if (ec != std::errc() || end != s.data() + s.size()) {
        error(DiagKind::SyntaxError, e->range, {"integer '" + s + "' is too large"}).hint =
            "integers must fit in 64 bits";
      }
      e->number = static_cast<double>(e->int_value);
    } else {
      e->number = std::strtod(s.c_str(), nullptr);
      if (std::isinf(e->number))
        error(DiagKind::SyntaxError, e->range, {"number '" + s + "' is out of range"});
    }
    return Built{std::move(e), 1};
  }

  ast::ExprPtr value(P::ExprContext* c) { return expr(c).expr; }

  // ------------------------------------------------------------ types and parameters
  ast::TypePtr type(P::TypeContext* c) {
    auto t = std::make_unique<ast::Type>();
    t->range = range(c);
    if (auto* tensor = dynamic_cast<P::TensorTypeContext*>(c)) {
      t->kind = ast::TypeKind::Tensor;
      if (tensor->exprList() != nullptr) {
        for (P::ExprContext* d : tensor->exprList()->expr()) t->dims.push_back(value(d));
      }
    } else if (auto* tokens = dynamic_cast<P::TokensTypeContext*>(c)) {
      t->kind = ast::TypeKind::Tokens;
      t->length = value(tokens->expr(0));
      t->vocab = value(tokens->expr(1));
    } else if (auto* label = dynamic_cast<P::LabelTypeContext*>(c)) {
      t->kind = ast::TypeKind::Label;
      t->classes = value(label->expr());
    } else if (dynamic_cast<P::TimeTypeContext*>(c) != nullptr) {
      t->kind = ast::TypeKind::Time;
    } else if (dynamic_cast<P::FnTypeContext*>(c) != nullptr) {
      t->kind = ast::TypeKind::Fn;
    } else {
      auto* named = dynamic_cast<P::NamedTypeContext*>(c);
      GENC_ASSERT(named != nullptr, "unhandled type form");
      t->kind = ast::TypeKind::Named;
      t->name = name(named->ident());
    }
    return t;
  }

  std::vector<ast::Param> params(P::ParamListContext* c) {
    std::vector<ast::Param> out;
    if (c == nullptr) return out;
    for (P::ParamContext* p : c->param()) {
      ast::Param param;
      param.name = name(p->ident());
      param.range = range(p);
      if (p->type() != nullptr) param.type = type(p->type());
      if (p->expr() != nullptr) param.default_value = value(p->expr());
      out.push_back(std::move(param));
    }
    return out;
  }

  // ------------------------------------------------------------ statements
  ast::Body body(P::BlockContext* c) {
    ast::Body out;
    for (P::StmtContext* s : c->body()->stmt()) out.push_back(stmt(s));
    return out;
  }

  ast::StmtPtr new_stmt(ast::StmtKind kind, ParserRuleContext* c) {
    auto s = std::make_unique<ast::Stmt>();
    s->kind = kind;
    s->range = range(c);
    return s;
  }

  ast::StmtPtr stmt(P::StmtContext* c) {
    if (auto* a = dynamic_cast<P::AssignStmtContext*>(c)) {
      auto s = new_stmt(ast::StmtKind::Assign, c);
      s->name = name(a->ident());
      s->name_range = range(a->ident());
      s->value = value(a->expr());
      return s;
    }
    if (auto* r = dynamic_cast<P::ReturnStmtContext*>(c)) {
      auto s = new_stmt(ast::StmtKind::Return, c);
      s->value = value(r->expr());
      return s;
    }
    if (auto* r = dynamic_cast<P::RepeatRangeStmtContext*>(c)) {
      auto s = new_stmt(ast::StmtKind::Repeat, c);
      s->name = name(r->ident());
      s->name_range = range(r->ident());
      s->from = value(r->expr(0));
      s->value = value(r->expr(1));
      s->body = body(r->block());
      return s;
    }
    if (auto* r = dynamic_cast<P::RepeatStmtContext*>(c)) {
      auto s = new_stmt(ast::StmtKind::Repeat, c);
      s->value = value(r->expr());
      s->body = body(r->block());
      return s;
    }
    auto* i = dynamic_cast<P::IfStmtAltContext*>(c);
    GENC_ASSERT(i != nullptr, "unhandled statement form");
    return if_stmt(i->ifStmt());
  }

  ast::StmtPtr if_stmt(P::IfStmtContext* c) {
    auto s = new_stmt(ast::StmtKind::If, c);
    s->value = value(c->expr());
    s->body = body(c->block(0));
    if (c->ELSE() != nullptr) {
      s->has_else = true;
      if (c->ifStmt() != nullptr) {
        s->else_body.push_back(if_stmt(c->ifStmt()));
      } else {
        s->else_body = body(c->block(1));
      }
    }
    return s;
  }

  // ------------------------------------------------------------ declarations
  void top_decl(ast::Module& m, P::TopDeclContext* c) {
    if (auto* u = c->useDecl()) {
      ast::Use use;
      use.range = range(u);
      use.is_file = u->STRING() != nullptr;
      use.module = use.is_file ? unescape(text(u->STRING()->getSymbol()))
                               : qualified_name(u->qualifiedName());
      m.uses.push_back(std::move(use));
    } else if (auto* d = c->dataDecl()) {
      ast::DataDecl data;
      data.range = range(d);
      data.name = name(d->ident());
      std::vector<P::CallOrNameContext*> parts = d->callOrName();
      data.source = call_or_name(parts[0]);
      for (size_t i = 1; i < parts.size(); ++i) data.transforms.push_back(call_or_name(parts[i]));
      m.data.push_back(std::move(data));
    } else if (auto* b = c->blockDecl()) {
      ast::BlockDecl block;
      block.range = range(b);
      block.name = name(b->ident());
      block.params = params(b->paramList());
      block.body = body(b->block());
      m.blocks.push_back(std::move(block));
    } else if (auto* inv = c->invertibleDecl()) {
      ast::InvertibleDecl decl;
      decl.range = range(inv);
      decl.name = name(inv->ident());
      decl.params = params(inv->paramList());
      decl.forward = body(inv->block(0));
      decl.inverse = body(inv->block(1));
      m.invertibles.push_back(std::move(decl));
    } else if (auto* model = c->modelDecl()) {
      m.models.push_back(model_decl(model));
    } else if (auto* train = c->trainDecl()) {
      m.trains.push_back(train_decl(train));
    }
  }

  std::string qualified_name(P::QualifiedNameContext* c) {
    std::string out;
    for (P::IdentContext* part : c->ident()) out += (out.empty() ? "" : ".") + name(part);
    return out;
  }

  ast::ModelDecl model_decl(P::ModelDeclContext* c) {
    ast::ModelDecl model;
    model.range = range(c);
    model.name = name(c->ident());
    model.name_range = range(c->ident());
    if (c->hyperList() != nullptr) {
      for (P::HyperContext* h : c->hyperList()->hyper()) {
        ast::Param p;
        p.name = name(h->ident());
        p.range = range(h);
        p.default_value = value(h->expr());
        model.hyperparams.push_back(std::move(p));
      }
    }
    for (P::ModelItemContext* item : c->modelItem()) model_item(model, item);
    return model;
  }

  void model_item(ast::ModelDecl& model, P::ModelItemContext* c) {
    if (auto* r = dynamic_cast<P::RoleItemContext*>(c)) {
      ast::RoleDecl role;
      role.range = range(c);
      role.kind = role_kind(r->roleKeyword()->getStart()->getType());
      role.name = name(r->ident());
      role.name_range = range(r->ident());
      role.params = params(r->paramList());
      role.result = type(r->type());
      role.body = body(r->block());
      model.roles.push_back(std::move(role));
      return;
    }
    if (auto* u = dynamic_cast<P::UnknownRoleItemContext*>(c)) {
      error(DiagKind::UnknownRole, range(u->ID()), {text(u->ID()->getSymbol())}).hint =
          "roles are encoder, decoder, generator, discriminator, flow, denoiser and autoregressive";
      return;
    }
    ast::ModelSetting setting;
    setting.range = range(c);
    setting.keyword = text(c->getStart());
    if (auto* s = dynamic_cast<P::ScheduleItemContext*>(c)) {
      setting.name = name(s->ident());
      setting.value = call_or_name(s->callOrName());
    } else if (auto* p = dynamic_cast<P::PriorItemContext*>(c)) {
      setting.name = name(p->ident());
      setting.value = value(p->expr());
    } else if (auto* o = dynamic_cast<P::ObjectiveItemContext*>(c)) {
      setting.value = call_or_name(o->callOrName());
    } else {
      auto* sampler = dynamic_cast<P::SamplerItemContext*>(c);
      GENC_ASSERT(sampler != nullptr, "unhandled model item");
      setting.value = call_or_name(sampler->callOrName());
    }
    model.settings.push_back(std::move(setting));
  }

  ast::TrainDecl train_decl(P::TrainDeclContext* c) {
    ast::TrainDecl train;
    train.range = range(c);
    train.model = name(c->ident(0));
    train.model_range = range(c->ident(0));
    train.data = name(c->ident(1));
    train.data_range = range(c->ident(1));
    for (P::TrainSettingContext* s : c->trainSetting()) train.settings.push_back(train_setting(s));
    return train;
  }

  ast::TrainSetting train_setting(P::TrainSettingContext* c) {
    ast::TrainSetting s;
    s.range = range(c);
    s.keyword = text(c->getStart());
    s.keyword_range = range(c->getStart());
    if (auto* v = dynamic_cast<P::ValueSettingContext*>(c)) {
      s.value = value(v->expr());
    } else if (auto* u = dynamic_cast<P::UnknownSettingContext*>(c)) {
      s.value = value(u->expr());
    } else if (auto* call = dynamic_cast<P::CallSettingContext*>(c)) {
      s.value = call_or_name(call->callOrName());
    } else if (auto* n = dynamic_cast<P::NameSettingContext*>(c)) {
      s.value = name_expr(n->ident()).expr;
    } else if (auto* ck = dynamic_cast<P::CheckpointSettingContext*>(c)) {
      s.period = period(ck->period());
      set_path(s, ck->STRING());
    } else if (auto* log = dynamic_cast<P::LogSettingContext*>(c)) {
      s.period = period(log->period());
    } else if (auto* ev = dynamic_cast<P::EvalSettingContext*>(c)) {
      s.target = name(ev->ident());
      s.target_range = range(ev->ident());
      if (ev->period() != nullptr) s.period = period(ev->period());
    } else {
      auto* sample = dynamic_cast<P::SampleSettingContext*>(c);
      GENC_ASSERT(sample != nullptr, "unhandled train setting");
      s.value = value(sample->expr());
      if (sample->period() != nullptr) s.period = period(sample->period());
      set_path(s, sample->STRING());
    }
    return s;
  }

  void set_path(ast::TrainSetting& s, TerminalNode* path) {
    if (path == nullptr) return;
    s.path = unescape(text(path->getSymbol()));
    s.has_path = true;
  }

  ast::Period period(P::PeriodContext* c) {
    ast::Period p;
    p.range = range(c);
    if (c->expr() == nullptr) {
      p.per_epoch = true;  // `every epoch`
      return p;
    }
    p.count = value(c->expr());
    p.per_epoch = c->unit != nullptr && c->unit->getType() != P::STEPS;
    return p;
  }

  const SourceFile& file_;
  DiagnosticEngine& diags_;
  int errors_ = 0;
};

}  // namespace

std::unique_ptr<ast::Module> build_module(genc_dsl::GenParser::ProgramContext& tree,
                                          const SourceFile& file, DiagnosticEngine& diags) {
  return Builder(file, diags).module(tree);
}

}  // namespace genc::frontend
