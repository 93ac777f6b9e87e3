// Look-ups on the program containers: a setting argument's location, a model's role, a train
// setting, models and datasets by name; the text of a data range.
#include "compiler/ir/program.h"

#include <fmt/format.h>

namespace genc::ir {
namespace {

template <typename T, typename Key>
const T* find_by(const std::vector<T>& items, const std::string& wanted, Key key) {
  for (const T& item : items)
    if (key(item) == wanted) return &item;
  return nullptr;
}

}  // namespace

SourceRange Setting::loc_of(const std::string& key) const {
  auto it = arg_locs.find(key);
  return it == arg_locs.end() ? loc : it->second;
}

const Function* Model::role(const std::string& role_kind) const {
  return find_by(roles, role_kind, [](const Function& f) -> const std::string& { return f.role; });
}

const Setting* Train::setting(const std::string& keyword) const {
  return find_by(settings, keyword, [](const Setting& s) -> const std::string& { return s.name; });
}

const Model* Program::model(const std::string& name) const {
  return find_by(models, name, [](const Model& m) -> const std::string& { return m.name; });
}

const Dataset* Program::dataset(const std::string& name) const {
  return find_by(datasets, name, [](const Dataset& d) -> const std::string& { return d.name; });
}

std::string DataRange::str() const {
  switch (kind) {
    case Kind::Unknown:
      return "unknown values";
    case Kind::Unbounded:
      return "unbounded values";
    case Kind::Interval:
      return fmt::format("values in [{}, {}]", lo, hi);
    case Kind::TwoValues:
      return fmt::format("only the values {} and {}", lo, hi);
    case Kind::Integers:
      return fmt::format("the integers {}..{}", lo, hi);
  }
  return "unknown values";
}

bool DataRange::within(double min, double max) const {
  return kind != Kind::Unknown && kind != Kind::Unbounded && lo >= min && hi <= max;
}

}  // namespace genc::ir
