// Tests of the run orchestration's files and settings (runtime/run): the output folder
// layout, clearing and discarding runs, metrics truncation on resume, run.json, the
// checkpoint policy and the checks of --resume.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>

#include "runtime/errors.h"
#include "runtime/run/run_dir.h"
#include "runtime/run/run_record.h"
#include "runtime/run/run_settings.h"
#include "tests/unit/runtime/temp_dir.h"

namespace genc::runtime {
namespace {

namespace fs = std::filesystem;
using testing::read_all;
using testing::TempDir;

void touch(const std::string& path, const std::string& text = "") {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

// Expects `fn` to throw RuntimeUserError whose message contains `part`.
void expect_user_error(const std::function<void()>& fn, const std::string& part) {
  try {
    fn();
    ADD_FAILURE() << "no RuntimeUserError thrown";
  } catch (const RuntimeUserError& e) {
    EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
  }
}

TEST(RunDir, PlacesFoldersUnderOutUnlessAbsolute) {
  TempDir dir;
  TrainConfig config;
  config.sample_dir = "/elsewhere/samples";
  RunDir d = run_dir(dir.file("a/b"), config);
  EXPECT_EQ(d.metrics, dir.file("a/b/metrics.jsonl"));
  EXPECT_EQ(d.record, dir.file("a/b/run.json"));
  EXPECT_EQ(d.checkpoints, dir.file("a/b/checkpoints"));
  EXPECT_EQ(d.samples, "/elsewhere/samples");
  EXPECT_EQ(d.first_created, fs::path(dir.file("a")));
  EXPECT_TRUE(run_dir(dir.path(), config).first_created.empty());
}

TEST(RunDir, ClearingAnEarlierRunKeepsOtherFiles) {
  TempDir dir;
  RunDir d = run_dir(dir.path(), TrainConfig{});
  touch(d.metrics, "{\"step\":1}\n");
  touch(d.checkpoints + "/step_00000001.pt");
  touch(d.checkpoints + "/notes.txt");
  touch(d.samples + "/epoch_001.png");
  std::ostringstream log;
  clear_previous_run(d, log);
  EXPECT_EQ(read_all(d.metrics), "");
  EXPECT_FALSE(fs::exists(d.checkpoints + "/step_00000001.pt"));
  EXPECT_FALSE(fs::exists(d.samples + "/epoch_001.png"));
  EXPECT_TRUE(fs::exists(d.checkpoints + "/notes.txt"));
  EXPECT_NE(log.str().find("replacing the earlier run"), std::string::npos) << log.str();
  std::ostringstream again;
  clear_previous_run(d, again);
  EXPECT_EQ(again.str(), "");  // nothing to replace
}

TEST(RunDir, DiscardingAFailedRunRemovesWhatItCreated) {
  TempDir dir;
  RunDir d = run_dir(dir.file("new/out"), TrainConfig{});
  touch(d.metrics);
  touch(d.record, "{}");
  discard_if_empty(d);
  EXPECT_FALSE(fs::exists(dir.file("new")));
  EXPECT_TRUE(fs::exists(dir.path()));

  // Also when it created its checkpoint and sample folders (and left them empty).
  d = run_dir(dir.file("new/out"), TrainConfig{});
  fs::create_directories(d.checkpoints);
  fs::create_directories(d.samples);
  touch(d.metrics);
  discard_if_empty(d);
  EXPECT_FALSE(fs::exists(dir.file("new")));

  // An OUT that existed before the run stays.
  fs::create_directories(dir.file("existing"));
  RunDir before = run_dir(dir.file("existing"), TrainConfig{});
  fs::create_directories(before.checkpoints);
  discard_if_empty(before);
  EXPECT_FALSE(fs::exists(before.checkpoints));
  EXPECT_TRUE(fs::exists(dir.file("existing")));

  // A run that logged something keeps its files.
  RunDir kept = run_dir(dir.file("kept"), TrainConfig{});
  touch(kept.metrics, "{\"step\":1}\n");
  discard_if_empty(kept);
  EXPECT_TRUE(fs::exists(kept.metrics));
}

TEST(RunDir, TruncatingMetricsDropsLaterStepsAndATornLine) {
  TempDir dir;
  std::string path = dir.write("metrics.jsonl", "{\"step\":1}\n{\"step\":2}\n{\"step\":3}\n{\"step\":4}\n");
  truncate_metrics_after(path, 2);
  EXPECT_EQ(read_all(path), "{\"step\":1}\n{\"step\":2}\n");
  path = dir.write("torn.jsonl", "{\"step\":1}\n{\"st");
  truncate_metrics_after(path, 5);
  EXPECT_EQ(read_all(path), "{\"step\":1}\n");
}

TEST(RunRecord, RoundTripsAndRejectsOtherFiles) {
  TempDir dir;
  RunRecord r{7, std::nullopt, 3, "cpu", "/abs/checkpoints"};
  write_run_record(dir.file("run.json"), r);
  std::optional<RunRecord> back = read_run_record(dir.file("run.json"));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->seed, 7u);
  EXPECT_FALSE(back->steps.has_value());
  EXPECT_EQ(back->epochs, std::optional<int64_t>(3));
  EXPECT_EQ(back->device, "cpu");
  EXPECT_EQ(back->checkpoint_dir, "/abs/checkpoints");
  EXPECT_FALSE(read_run_record(dir.file("none.json")).has_value());
  dir.write("bad.json", "[1, 2]");
  expect_user_error([&] { read_run_record(dir.file("bad.json")); }, "not a genc run record");
}

TEST(RunSettings, CheckpointsEveryEpochWhenTheTrainBlockSaysNothing) {
  TrainConfig c;
  EXPECT_EQ(apply_run_settings({}, std::nullopt, c), "");
  EXPECT_EQ(c.checkpoint.every, 1);
  EXPECT_EQ(c.checkpoint.unit, "epochs");

  TrainConfig own;
  own.checkpoint = {100, "steps"};
  apply_run_settings({}, std::nullopt, own);
  EXPECT_EQ(own.checkpoint.every, 100);
  EXPECT_EQ(own.checkpoint.unit, "steps");
}

TEST(RunSettings, TheRecordThenTheRequestOverrideTheTrainBlock) {
  TrainConfig c;
  c.steps = 10;
  RunRecord record{5, std::nullopt, 2, "cpu", "/c"};
  RunRequest resume;
  resume.resume = "out";
  EXPECT_EQ(apply_run_settings(resume, record, c), "cpu");
  EXPECT_EQ(c.seed, 5u);
  EXPECT_FALSE(c.steps.has_value());
  EXPECT_EQ(c.epochs, std::optional<int64_t>(2));

  resume.steps = 40;
  resume.device = "auto";
  EXPECT_EQ(apply_run_settings(resume, record, c), "auto");
  EXPECT_EQ(c.steps, std::optional<int64_t>(40));

  resume.seed = 6;
  expect_user_error([&] { apply_run_settings(resume, record, c); }, "has seed 5; --resume cannot change it");
}

TEST(RunSettings, ResumeNeedsACheckpointAndTakesNoOutOrSet) {
  TempDir dir;
  pipeline::Compilation c;
  RunRequest r;
  r.resume = dir.path();
  expect_user_error([&] { plan_run(c, r); }, "no checkpoint in '" + dir.file("checkpoints") + "'");
  r.out = dir.file("other");
  expect_user_error([&] { plan_run(c, r); }, "it takes no --out");
  r.out.clear();
  r.sets = {"m.p=1"};
  expect_user_error([&] { plan_run(c, r); }, "it takes no --set");
  expect_user_error([&] { plan_run(c, RunRequest{}); }, "genc run needs a .gen FILE");
}

}  // namespace
}  // namespace genc::runtime
