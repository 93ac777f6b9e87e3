// The grid of a sweep (see sweep_grid.h).
#include "runtime/sweep/sweep_grid.h"

#include <algorithm>

#include <fmt/format.h>

#include "runtime/errors.h"

namespace genc::runtime::sweep {
namespace {

/// `text` split at the commas outside brackets.
std::vector<std::string> split_values(const std::string& text) {
  std::vector<std::string> out(1);
  int depth = 0;
  for (char ch : text) {
    if (ch == '[') ++depth;
    if (ch == ']') --depth;
    if (ch == ',' && depth == 0) {
      out.emplace_back();
      continue;
    }
    out.back() += ch;
  }
  return out;
}

/// A value as it can stand in a folder name: '/' and spaces become '_'.
std::string name_part(std::string value) {
  std::replace_if(value.begin(), value.end(), [](char ch) { return ch == '/' || ch == ' ' || ch == '\\'; }, '_');
  return value;
}

}  // namespace

Axis parse_axis(const std::string& set) {
  const size_t eq = set.find('=');
  const size_t dot = set.find('.');
  if (eq == std::string::npos || dot == std::string::npos || dot == 0 || dot + 1 >= eq || eq + 1 == set.size())
    throw RuntimeUserError("bad --set '" + set + "': expected model.param=value[,value...]");
  Axis axis{set.substr(0, eq), split_values(set.substr(eq + 1))};
  for (size_t i = 0; i < axis.values.size(); ++i) {
    if (axis.values[i].empty()) throw RuntimeUserError("bad --set '" + set + "': an empty value");
    if (std::find(axis.values.begin(), axis.values.begin() + i, axis.values[i]) != axis.values.begin() + i)
      throw RuntimeUserError("bad --set '" + set + "': the value '" + axis.values[i] + "' is listed twice");
  }
  return axis;
}

Grid make_grid(std::vector<Axis> axes, uint64_t first_seed, int64_t seeds) {
  Grid g;
  g.axes = std::move(axes);
  std::vector<std::string> columns;
  for (size_t i = 0; i < g.axes.size(); ++i) {
    const std::string& key = g.axes[i].key;
    for (size_t k = 0; k < i; ++k)
      if (g.axes[k].key == key) throw RuntimeUserError("--set " + key + " is given twice; list its values in one --set");
    const std::string param = key.substr(key.find('.') + 1);
    bool shared = std::count_if(g.axes.begin(), g.axes.end(), [&](const Axis& a) {
                    return a.key.substr(a.key.find('.') + 1) == param;
                  }) > 1;
    columns.push_back(shared ? key : param);
  }
  // Combinations: an odometer over the axes, the last axis turning fastest.
  std::vector<size_t> at(g.axes.size(), 0);
  while (true) {
    Combination c;
    for (size_t i = 0; i < g.axes.size(); ++i) {
      const std::string& value = g.axes[i].values[at[i]];
      c.overrides.emplace_back(g.axes[i].key, value);
      c.label += (c.label.empty() ? "" : ",") + columns[i] + "=" + name_part(value);
    }
    if (c.label.empty()) c.label = "default";
    g.combinations.push_back(std::move(c));
    size_t i = g.axes.size();
    while (i > 0 && ++at[i - 1] == g.axes[i - 1].values.size()) at[--i] = 0;
    if (i == 0) break;
  }
  for (size_t c = 0; c < g.combinations.size(); ++c)
    for (int64_t s = 0; s < seeds; ++s) {
      const uint64_t seed = first_seed + static_cast<uint64_t>(s);
      g.runs.push_back({c, seed, fmt::format("{},seed={}", g.combinations[c].label, seed)});
    }
  return g;
}

}  // namespace genc::runtime::sweep
