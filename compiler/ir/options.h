// The typed, defaulted option structs of every construct in options.def (ElboOptions,
// GanOptions, AdamOptions, BatchSetting, ...) and read_options<T>(), which turns a
// table-checked ir::Setting into its struct. Plain C++: compiler/lower and runtime/ read
// these and never look at option strings.
//
// Where the structs come from: sema checks each setting against the table and stores the
// ir::Setting with every option filled in; a .gir file's settings are checked by the
// verifier (option_table.h, check_settings). Either way the Setting is table-checked, so
// read_options cannot fail; a missing option takes the table's default.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "compiler/ir/program.h"

namespace genc::ir {

/// The kinds of construct (GENC_GROUP rows), in help order.
enum class Group {
#define GENC_GROUP(id, name, doc) id,
#include "compiler/ir/options.def"
};

/// An option's type (see options.def).
enum class OptionType { Int, Number, Bool, String, Choice, Pair, Kind };

/// `betas: [0.9, 0.999]`.
using Pair = std::array<double, 2>;
/// A Pair default in options.def.
#define GENC_PAIR(a, b) (::genc::ir::Pair{a, b})

template <OptionType T>
struct OptionCpp;
template <>
struct OptionCpp<OptionType::Int> {
  using type = int64_t;
};
template <>
struct OptionCpp<OptionType::Number> {
  using type = double;
};
template <>
struct OptionCpp<OptionType::Bool> {
  using type = bool;
};
template <>
struct OptionCpp<OptionType::String> {
  using type = std::string;
};
template <>
struct OptionCpp<OptionType::Choice> {
  using type = std::string;
};
template <>
struct OptionCpp<OptionType::Pair> {
  using type = Pair;
};
template <>
struct OptionCpp<OptionType::Kind> {
  using type = std::string;
};

// One struct per construct: its options as fields with the table's defaults (a required
// option starts value-initialized), plus the construct's group and name.
// clang-format off
#define GENC_CONSTRUCT(group, name, Struct, doc) \
  struct Struct { \
    static constexpr Group kGroup = Group::group; \
    static constexpr const char* kName = #name;
#define GENC_OPTION(T, name, def, check, doc) OptionCpp<OptionType::T>::type name = def;
#define GENC_REQUIRED(T, name, check, doc) OptionCpp<OptionType::T>::type name{};
#define GENC_END() };
// clang-format on
#include "compiler/ir/options.def"

/// Fills the fields of `out` from the options in `s` (others keep their defaults; keys
/// that are not fields, such as a schedule's `kind`, are skipped). `s` must be
/// table-checked: a wrong type is an internal error.
#define GENC_CONSTRUCT(group, name, Struct, doc) void read_into(const Setting& s, Struct& out);
#include "compiler/ir/options.def"

/// The typed options of a table-checked setting: `read_options<ElboOptions>(*model.objective)`.
template <class T>
T read_options(const Setting& s) {
  T out;
  read_into(s, out);
  return out;
}

/// Calls `f(T{})` for the construct struct T of group G named `name`; false when there is none.
template <Group G, class F>
bool visit_construct(const std::string& name, F&& f);

namespace detail {
template <class... T>
struct TypeList {};
// clang-format off
using AllConstructs = TypeList<void
#define GENC_CONSTRUCT(group, name, Struct, doc) , Struct
#include "compiler/ir/options.def"
>;
// clang-format on

template <Group G, class F, class... T>
bool visit_in(const std::string& name, F& f, TypeList<void, T...>) {
  bool found = false;
  auto one = [&](auto tag) {
    using S = decltype(tag);
    if constexpr (S::kGroup == G) {
      if (!found && name == S::kName) {
        f(S{});
        found = true;
      }
    }
  };
  (one(T{}), ...);
  return found;
}
}  // namespace detail

template <Group G, class F>
bool visit_construct(const std::string& name, F&& f) {
  return detail::visit_in<G>(name, f, detail::AllConstructs{});
}

}  // namespace genc::ir
