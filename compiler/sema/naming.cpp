// Parameter names: the path scheme described in naming.h.
#include "compiler/sema/naming.h"

namespace genc::sema {

void ParamNamer::set_binding(const std::string& name) {
  if (!in_block()) binding_ = name;
}

std::string ParamNamer::prefix() const {
  std::string p = root_;
  if (!binding_.empty()) p += "." + binding_;
  for (const std::string& b : blocks_) p += "." + b;
  return p;
}

std::string ParamNamer::counted(std::string_view name) {
  std::string key = prefix() + "/" + std::string(name);
  int index = counts_[key]++;
  return std::string(name) + std::to_string(index);
}

std::string ParamNamer::next(std::string_view op) { return prefix() + "." + counted(op); }

void ParamNamer::enter(std::string_view name) { blocks_.push_back(counted(name)); }

void ParamNamer::leave() {
  if (!blocks_.empty()) blocks_.pop_back();
}

}  // namespace genc::sema
