// The run report's pieces (runtime/report) and the TensorBoard checksum: base64 and HTML
// escaping, metrics.jsonl read into series and timings, the SVG line chart, the overlay chart
// and the comparison page's ranking, CRC-32C.
#include <gtest/gtest.h>

#include <algorithm>
#include <regex>

#include "runtime/io/crc32c.h"
#include "runtime/report/compare_page.h"
#include "runtime/report/html.h"
#include "runtime/report/line_chart.h"
#include "runtime/report/metrics_series.h"
#include "temp_dir.h"

namespace genc::runtime::report {
namespace {

TEST(ReportHtml, Base64MatchesRfc4648Vectors) {
  EXPECT_EQ(base64(""), "");
  EXPECT_EQ(base64("f"), "Zg==");
  EXPECT_EQ(base64("fo"), "Zm8=");
  EXPECT_EQ(base64("foo"), "Zm9v");
  EXPECT_EQ(base64("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64(std::string("\xff\x00\x10", 3)), "/wAQ");
  EXPECT_EQ(data_uri("image/png", "fo"), "data:image/png;base64,Zm8=");
}

TEST(ReportHtml, EscapesMarkup) {
  EXPECT_EQ(escape_html("a<b & \"c\" 'd'>"), "a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;");
}

TEST(ReportMetrics, SeriesPerKeyWithTrainAndTestPointsAndResumedSegments) {
  testing::TempDir dir;
  const std::string path = dir.write("metrics.jsonl",
      R"({"step":10,"epoch":0,"split":"train","loss":3.0,"kl":1.0,"lr":0.1,"time_s":1.0})" "\n"
      R"({"step":20,"epoch":0,"split":"train","loss":2.0,"kl":null,"lr":0.1,"time_s":2.0})" "\n"
      R"({"step":20,"epoch":0,"split":"test","loss":2.5,"elbo":-2.5})" "\n"
      // a resume from step 20: the clock starts again
      R"({"step":30,"epoch":1,"split":"train","loss":1.5,"kl":0.5,"lr":0.1,"time_s":0.5})" "\n"
      R"({"step":40,"epoch":1,"split":"train","loss":1.0,"kl":0.4,"lr":0.1,"time_s":1.5})" "\n"
      R"({"step":50,"epo)");  // a torn last line
  Metrics m = read_metrics(path);
  EXPECT_EQ(m.records, 5);
  ASSERT_EQ(m.series.size(), 4u);
  EXPECT_EQ(m.series[0].name, "loss");
  EXPECT_EQ(m.series[0].train.size(), 4u);
  ASSERT_EQ(m.series[0].test.size(), 1u);
  EXPECT_EQ(m.series[0].test[0].step, 20);
  EXPECT_DOUBLE_EQ(m.series[0].test[0].value, 2.5);
  EXPECT_EQ(m.series[1].name, "kl");
  EXPECT_EQ(m.series[1].train.size(), 3u);  // the null is skipped
  EXPECT_EQ(m.series[3].name, "elbo");
  EXPECT_TRUE(m.series[3].train.empty());
  EXPECT_EQ(m.timings.segments, 2);
  EXPECT_DOUBLE_EQ(m.timings.seconds, 2.0 + 1.5);
  EXPECT_EQ(m.timings.steps_timed, 20 + 20);
  EXPECT_EQ(m.timings.last_step, 40);
  EXPECT_EQ(m.timings.last_epoch, 1);
}

TEST(ReportMetrics, MissingFileHasNoRecords) {
  testing::TempDir dir;
  EXPECT_EQ(read_metrics(dir.file("metrics.jsonl")).records, 0);
}

int points_of(const std::string& svg, const std::string& cls) {
  std::smatch m;
  if (!std::regex_search(svg, m, std::regex("<path class=\"" + cls + "\" d=\"([^\"]*)\""))) return -1;
  const std::string d = m[1].str();
  return static_cast<int>(std::count(d.begin(), d.end(), 'M') + std::count(d.begin(), d.end(), 'L'));
}

TEST(ReportChart, OnePathPointPerValueAndADotPerTestPoint) {
  Series s{"loss", {{10, 3.0}, {20, 2.0}, {30, 1.0}}, {{20, 2.5}, {30, 1.5}}};
  const std::string svg = line_chart_svg(s);
  EXPECT_EQ(points_of(svg, "train"), 3);
  EXPECT_EQ(points_of(svg, "test"), 2);
  EXPECT_EQ(points_of(svg, "train-raw"), -1);  // fewer than 10 points: no smoothing
  EXPECT_NE(svg.find(std::string("stroke=\"") + kTrainColour), std::string::npos);
  EXPECT_NE(svg.find(std::string("stroke=\"") + kTestColour), std::string::npos);
  size_t dots = 0;
  for (size_t at = svg.find("<circle "); at != std::string::npos; at = svg.find("<circle ", at + 1)) ++dots;
  EXPECT_EQ(dots, 2u);
}

TEST(ReportChart, SmoothsLongTrainCurvesAndKeepsTheRawOneFaint) {
  Series s{"loss", {}, {}};
  for (int i = 1; i <= 12; ++i) s.train.push_back({i * 10, 100.0 / i});
  const std::string svg = line_chart_svg(s);
  EXPECT_EQ(points_of(svg, "train-raw"), 12);
  EXPECT_EQ(points_of(svg, "train"), 12);
  EXPECT_NE(svg.find("stroke-opacity=\"0.25\""), std::string::npos);
}

TEST(ReportChart, TicksAreRoundNumbers) {
  Series s{"loss", {{0, 0.0}, {100, 100.0}}, {}};
  const std::string svg = line_chart_svg(s);
  for (const char* label : {">0<", ">20<", ">40<", ">60<", ">80<", ">100<"})
    EXPECT_NE(svg.find(label), std::string::npos) << label;
  EXPECT_EQ(svg.find(">33.3"), std::string::npos);
}

TEST(ReportChart, EmptyAndConstantSeriesDrawWithoutNan) {
  EXPECT_EQ(line_chart_svg(Series{"lr", {}, {}}).find("nan"), std::string::npos);
  const std::string flat = line_chart_svg(Series{"lr", {{1, 0.001}, {2, 0.001}}, {}});
  EXPECT_EQ(flat.find("nan"), std::string::npos);
  EXPECT_EQ(points_of(flat, "train"), 2);
}

TEST(TensorBoardCrc, Crc32cCheckValue) {
  EXPECT_EQ(crc32c("123456789"), 0xE3069283u);  // the CRC-32C check value (RFC 3720)
  EXPECT_EQ(crc32c(""), 0u);
  const uint32_t crc = crc32c("123456789");
  EXPECT_EQ(masked_crc32c("123456789"), ((crc >> 15) | (crc << 17)) + 0xa282ead8u);
}

TEST(ReportOverlay, OnePathPerRunInItsVariantsColour) {
  std::vector<Curve> curves = {{{{10, 3.0}, {20, 2.0}}, "#111111", 0, "a,seed=0"},
                               {{{10, 4.0}, {20, 1.0}}, "#222222", 1, "b,seed=0"},
                               {{}, "#333333", 2, "c,seed=0"}};
  const std::string svg = overlay_chart_svg("train loss", curves);
  size_t paths = 0;
  for (size_t at = svg.find("<path class=\"run\""); at != std::string::npos; at = svg.find("<path class=\"run\"", at + 1))
    ++paths;
  EXPECT_EQ(paths, 2u);  // the empty curve draws nothing
  std::smatch m;
  ASSERT_TRUE(std::regex_search(svg, m, std::regex("data-variant=\"1\" d=\"(M[^\"]*)\"")));
  EXPECT_EQ(std::count(m[1].first, m[1].second, 'L'), 1);  // two points
  EXPECT_NE(svg.find("stroke=\"#222222\""), std::string::npos);
  EXPECT_EQ(svg.find("nan"), std::string::npos);
}

/// A run whose last test elbo is `elbo`.
ComparedRun run_with_elbo(const std::string& name, double elbo) {
  ComparedRun r;
  r.name = name;
  r.metrics.series = {Series{"loss", {{10, -elbo}}, {{10, -elbo}}}, Series{"elbo", {}, {{10, elbo}}}};
  return r;
}

TEST(ReportComparison, RanksVariantsByTestElboWithMeanAndStd) {
  ComparisonContent c;
  c.title = "sweep";
  c.hyperparams = {"latent"};
  c.runs = {run_with_elbo("8,0", -300), run_with_elbo("8,1", -302), run_with_elbo("16,0", -250),
            run_with_elbo("16,1", -250)};
  c.variants = {{"latent=8", {"8"}, 100, {0, 1}, {}, false}, {"latent=16", {"16"}, 200, {2, 3}, {}, false}};
  const Ranking rank = ranking_of(c);
  EXPECT_EQ(rank.split, "test");
  EXPECT_EQ(rank.metric, "elbo");
  EXPECT_TRUE(rank.higher_is_better);
  const std::string page = render_comparison(c);
  const size_t first = page.find("<tr data-variant=\"1\">"), second = page.find("<tr data-variant=\"0\">");
  ASSERT_NE(first, std::string::npos);
  ASSERT_NE(second, std::string::npos);
  EXPECT_LT(first, second);  // latent=16 (-250) ranks above latent=8 (-301)
  EXPECT_NE(page.find("-301 &plusmn; 1.4"), std::string::npos);  // mean, sample std of -300 and -302
  EXPECT_NE(page.find("<th data-key=\"test_elbo\""), std::string::npos);
  EXPECT_NE(page.find("<th data-key=\"params\""), std::string::npos);
  EXPECT_EQ(page.find("src=\"http"), std::string::npos);
}

TEST(ReportComparison, WithoutTestMetricsRanksByTrainLossLowestFirst) {
  ComparisonContent c;
  c.runs = {ComparedRun{"a", 0, "", {{Series{"loss", {{5, 2.0}}, {}}}, {}, 1}},
            ComparedRun{"b", 0, "", {{Series{"loss", {{5, 1.0}}, {}}}, {}, 1}}};
  c.variants = {{"a", {}, std::nullopt, {0}, {}, false}, {"b", {}, std::nullopt, {1}, {}, false}};
  const Ranking rank = ranking_of(c);
  EXPECT_EQ(rank.split, "train");
  EXPECT_FALSE(rank.higher_is_better);
  const std::string page = render_comparison(c);
  EXPECT_LT(page.find("<tr data-variant=\"1\">"), page.find("<tr data-variant=\"0\">"));
  EXPECT_NE(page.find("No checkpoint to compile"), std::string::npos);
}

}  // namespace
}  // namespace genc::runtime::report
