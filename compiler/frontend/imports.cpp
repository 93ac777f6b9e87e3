// parse_program: parses a main file and, depth first, every module it imports (each once),
// diagnosing unknown modules, unreadable files and import cycles at the `use`.
#include <filesystem>
#include <map>

#include "compiler/frontend/frontend.h"

namespace genc::frontend {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kStdPrefix = "std.";

/// Where a `use` leads: the identity of the module (to parse it once) and its display path.
struct Target {
  std::string key;   ///< "std/nn.gen" or the canonical file path
  std::string path;  ///< the path diagnostics show
};

std::string file_key(const std::string& path) {
  std::error_code ec;
  fs::path canonical = fs::weakly_canonical(fs::path(path), ec);
  return ec ? fs::path(path).lexically_normal().string() : canonical.string();
}

class Loader {
 public:
  Loader(SourceManager& sources, DiagnosticEngine& diags) : sources_(sources), diags_(diags) {}

  std::optional<ParsedUnit> run(const SourceFile& main) {
    visit(main, file_key(main.path()));
    if (failed_) return std::nullopt;
    return std::move(unit_);
  }

 private:
  enum class State { InProgress, Done };

  void visit(const SourceFile& file, const std::string& key) {
    states_[key] = State::InProgress;
    stack_.push_back(Target{key, file.path()});
    std::unique_ptr<ast::Module> module = parse_module(file, diags_);
    if (module) {
      for (const ast::Use& use : module->uses) follow(file, use);
      unit_.modules.push_back(std::move(module));
    } else {
      failed_ = true;
    }
    stack_.pop_back();
    states_[key] = State::Done;
  }

  void follow(const SourceFile& from, const ast::Use& use) {
    if (use.is_file) {
      fs::path path = (fs::path(from.path()).parent_path() / use.module).lexically_normal();
      Target target{file_key(path.string()), path.string()};
      if (!enter(target, use)) return;
      const SourceFile* file = sources_.load(target.path);
      if (file == nullptr) {
        fail(DiagKind::FileNotFound, use.range, {target.path});
        states_[target.key] = State::Done;
        return;
      }
      visit(*file, target.key);
      return;
    }
    std::string_view name = use.module;
    std::optional<std::string_view> text;
    if (name.substr(0, kStdPrefix.size()) == kStdPrefix)
      text = stdlib_source(name.substr(kStdPrefix.size()));
    if (!text) {
      Diagnostic& d = fail(DiagKind::UnknownModule, use.range, {use.module});
      std::string known;
      for (const std::string& m : stdlib_modules())
        known += (known.empty() ? "std." : ", std.") + m;
      d.hint = known.empty() ? "no stdlib modules are built in" : "the stdlib modules are " + known;
      return;
    }
    std::string path = "std/" + std::string(name.substr(kStdPrefix.size())) + ".gen";
    if (!enter(Target{path, path}, use)) return;
    visit(*sources_.add(path, std::string(*text)), path);
  }

  /// False if `target` is already parsed, or is being parsed (an import cycle, reported here).
  bool enter(const Target& target, const ast::Use& use) {
    auto it = states_.find(target.key);
    if (it == states_.end()) return true;
    if (it->second == State::InProgress) {
      std::string cycle;
      bool in_cycle = false;
      for (const Target& t : stack_) {
        in_cycle = in_cycle || t.key == target.key;
        if (in_cycle) cycle += t.path + " -> ";
      }
      fail(DiagKind::ImportCycle, use.range, {cycle + target.path});
    }
    return false;
  }

  Diagnostic& fail(DiagKind kind, SourceRange range, std::vector<std::string> args) {
    failed_ = true;
    return diags_.report(kind, range, std::move(args));
  }

  SourceManager& sources_;
  DiagnosticEngine& diags_;
  bool failed_ = false;
  std::map<std::string, State> states_;
  std::vector<Target> stack_;
  ParsedUnit unit_;
};

}  // namespace

std::optional<ParsedUnit> parse_program(const SourceFile& main, SourceManager& sources,
                                        DiagnosticEngine& diags) {
  return Loader(sources, diags).run(main);
}

std::optional<ParsedUnit> parse_program(const std::string& path, SourceManager& sources,
                                        DiagnosticEngine& diags) {
  const SourceFile* main = sources.load(path);
  if (main == nullptr) {
    diags.report(DiagKind::FileNotFound, SourceRange{}, {path});
    return std::nullopt;
  }
  return parse_program(*main, sources, diags);
}

}  // namespace genc::frontend
