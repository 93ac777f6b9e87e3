// Tests of the sweep's pieces (runtime/sweep): --set value lists into axes, the grid of
// combinations and seeds with their names, and OUT/sweep.json read back.
#include <gtest/gtest.h>

#include <string>

#include "runtime/errors.h"
#include "runtime/sweep/sweep_grid.h"
#include "runtime/sweep/sweep_state.h"
#include "tests/unit/runtime/temp_dir.h"

namespace genc::runtime::sweep {
namespace {

TEST(SweepGrid, EveryCombinationTimesTheSeedsFirstAxisSlowest) {
  Grid g = make_grid({parse_axis("vae.latent=8,16,32"), parse_axis("vae.hidden=200,400")}, 5, 2);
  ASSERT_EQ(g.combinations.size(), 6u);
  ASSERT_EQ(g.runs.size(), 12u);
  EXPECT_EQ(g.combinations[0].label, "latent=8,hidden=200");
  EXPECT_EQ(g.combinations[1].label, "latent=8,hidden=400");
  EXPECT_EQ(g.combinations[5].label, "latent=32,hidden=400");
  EXPECT_EQ(g.runs[0].name, "latent=8,hidden=200,seed=5");
  EXPECT_EQ(g.runs[1].name, "latent=8,hidden=200,seed=6");
  EXPECT_EQ(g.runs[11].combination, 5u);
  EXPECT_EQ(g.runs[11].seed, 6u);
  const auto& o = g.combinations[3].overrides;
  ASSERT_EQ(o.size(), 2u);
  EXPECT_EQ(o[0], std::make_pair(std::string("vae.latent"), std::string("16")));
  EXPECT_EQ(o[1], std::make_pair(std::string("vae.hidden"), std::string("400")));
}

TEST(SweepGrid, NoAxesIsOneCombination) {
  Grid g = make_grid({}, 0, 3);
  ASSERT_EQ(g.combinations.size(), 1u);
  EXPECT_EQ(g.runs.size(), 3u);
  EXPECT_EQ(g.runs[2].name, "default,seed=2");
}

TEST(SweepGrid, ListValuesKeepTheirCommasAndNamesAreFolderSafe) {
  Axis a = parse_axis("gan.widths=[64,64],[128]");
  ASSERT_EQ(a.values.size(), 2u);
  EXPECT_EQ(a.values[0], "[64,64]");
  Grid g = make_grid({parse_axis("m.path=a/b,c d")}, 0, 1);
  EXPECT_EQ(g.runs[0].name, "path=a_b,seed=0");
  EXPECT_EQ(g.runs[1].name, "path=c_d,seed=0");
}

TEST(SweepGrid, AParamOfTwoModelsIsNamedByItsWholeKey) {
  Grid g = make_grid({parse_axis("a.width=1"), parse_axis("b.width=2"), parse_axis("a.depth=3")}, 0, 1);
  EXPECT_EQ(g.combinations[0].label, "a.width=1,b.width=2,depth=3");
}

TEST(SweepGrid, BadSetsAreUserErrors) {
  EXPECT_THROW(parse_axis("latent=8,16"), RuntimeUserError);
  EXPECT_THROW(parse_axis("vae.latent="), RuntimeUserError);
  EXPECT_THROW(parse_axis("vae.latent=8,,16"), RuntimeUserError);
  EXPECT_THROW(parse_axis("vae.latent=8,8"), RuntimeUserError);
  EXPECT_THROW(make_grid({parse_axis("vae.latent=8"), parse_axis("vae.latent=16")}, 0, 1), RuntimeUserError);
}

TEST(SweepState, RoundTripsAndTellsAnotherSweep) {
  testing::TempDir dir;
  SweepState s;
  s.file = "vae.gen";
  s.source_hash = text_hash("model vae() {}");
  s.axes = {parse_axis("vae.latent=8,16")};
  s.steps = 60;
  s.plans = 2;
  s.runs = {{"latent=8,seed=0", {{"vae.latent", "8"}}, 0, 0, Status::Done, ""},
            {"latent=16,seed=0", {{"vae.latent", "16"}}, 0, 1, Status::Failed, "the loss became nan"}};
  const std::string path = sweep_state_path(dir.path());
  write_sweep_state(path, s);
  std::optional<SweepState> back = read_sweep_state(path);
  ASSERT_TRUE(back.has_value());
  EXPECT_TRUE(back->same_sweep(s));
  EXPECT_EQ(back->runs[0].status, Status::Done);
  EXPECT_EQ(back->runs[1].status, Status::Failed);
  EXPECT_EQ(back->runs[1].error, "the loss became nan");
  EXPECT_EQ(back->runs[1].overrides[0].second, "16");
  EXPECT_FALSE(back->epochs.has_value());
  SweepState longer = s;
  longer.steps = 120;
  EXPECT_FALSE(longer.same_sweep(s));
  SweepState edited = s;
  edited.source_hash = text_hash("model vae(x: 1) {}");
  EXPECT_FALSE(edited.same_sweep(s));
  EXPECT_FALSE(read_sweep_state(sweep_state_path(dir.file("none"))).has_value());
  EXPECT_THROW(read_sweep_state(dir.write("bad.json", "{\"file\": 3}")), RuntimeUserError);
}

}  // namespace
}  // namespace genc::runtime::sweep
