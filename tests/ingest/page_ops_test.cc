// Resolution inference, stretching, TIFF orientation and the pixel budget.
#include "ingest/page_ops.h"

#include <gtest/gtest.h>

#include <limits>
#include <vector>

namespace faxintake::ingest {
namespace {

TEST(InferResolution, KeepsPlausibleValuesAndInfersTheRestFromTheFaxWidth) {
  struct Case {
    const char* name;
    int64_t width, height;
    double xdpi, ydpi;
    double want_x, want_y;
    bool inferred;
  };
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const Case cases[] = {
      {"fine fax as written", 1728, 2200, 204, 196, 204, 196, false},
      {"normal fax as written", 1728, 1100, 204, 98, 204, 98, false},
      {"missing, fine height", 1728, 2200, 0, 0, 204, 204, true},
      {"missing, normal height", 1728, 1100, 0, 0, 204, 98, true},
      {"1 dpi, normal height", 1728, 1100, 1, 1, 204, 98, true},
      {"absurdly high", 1728, 2200, 1e9, 1e9, 204, 204, true},
      {"NaN", 1728, 2200, nan, nan, 204, 204, true},
      {"B4 width", 2048, 1300, 0, 0, 204, 98, true},
      {"superfine width", 3456, 4400, 0, 0, 408, 408, true},
      {"only x given", 1728, 1100, 204, 0, 204, 98, true},
      {"only y given, not a fax width", 1700, 2200, 0, 300, 300, 300, true},
      {"nothing known", 1000, 1400, -5, 0, 200, 200, true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const Resolution r = InferResolution(c.width, c.height, c.xdpi, c.ydpi);
    EXPECT_DOUBLE_EQ(r.x, c.want_x);
    EXPECT_DOUBLE_EQ(r.y, c.want_y);
    EXPECT_EQ(r.inferred, c.inferred);
  }
}

TEST(StretchFor, DoublesTheShortAxisOnlyWhenOneResolutionIsAboutTwiceTheOther) {
  struct Case {
    double x, y;
    Stretch want;
  };
  const Case cases[] = {
      {204, 98, Stretch::kDoubleRows},    {200, 100, Stretch::kDoubleRows}, {204, 196, Stretch::kNone},
      {300, 300, Stretch::kNone},         {204, 391, Stretch::kDoubleColumns},
      {100, 200, Stretch::kDoubleColumns}, {300, 100, Stretch::kNone},     {0, 98, Stretch::kNone},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(testing::Message() << c.x << " x " << c.y);
    EXPECT_EQ(StretchFor(c.x, c.y), c.want);
  }
}

Raster Tiny() {  // 3 x 2: 1 2 3 / 4 5 6
  Raster r;
  r.width = 3;
  r.height = 2;
  r.xdpi = 200;
  r.ydpi = 100;
  r.pixels = {1, 2, 3, 4, 5, 6};
  return r;
}

TEST(ApplyStretch, RepeatsRowsOrColumnsAndDoublesTheirResolution) {
  Raster rows = Tiny();
  ApplyStretch(Stretch::kDoubleRows, rows);
  EXPECT_EQ(rows.height, 4);
  EXPECT_DOUBLE_EQ(rows.ydpi, 200);
  EXPECT_EQ(rows.pixels, (std::vector<uint8_t>{1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6}));

  Raster cols = Tiny();
  ApplyStretch(Stretch::kDoubleColumns, cols);
  EXPECT_EQ(cols.width, 6);
  EXPECT_DOUBLE_EQ(cols.xdpi, 400);
  EXPECT_EQ(cols.pixels, (std::vector<uint8_t>{1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6}));
}

TEST(ApplyTiffOrientation, MapsEveryOrientationToTopLeft) {
  // The stored 3 x 2 image 1 2 3 / 4 5 6 as seen upright under each orientation.
  struct Case {
    int orientation;
    int width, height;
    std::vector<uint8_t> upright;
  };
  const Case cases[] = {
      {1, 3, 2, {1, 2, 3, 4, 5, 6}},
      {2, 3, 2, {3, 2, 1, 6, 5, 4}},
      {3, 3, 2, {6, 5, 4, 3, 2, 1}},
      {4, 3, 2, {4, 5, 6, 1, 2, 3}},
      {5, 2, 3, {1, 4, 2, 5, 3, 6}},
      {6, 2, 3, {4, 1, 5, 2, 6, 3}},
      {7, 2, 3, {6, 3, 5, 2, 4, 1}},
      {8, 2, 3, {3, 6, 2, 5, 1, 4}},
      {0, 3, 2, {1, 2, 3, 4, 5, 6}},  // invalid values leave the image alone
      {9, 3, 2, {1, 2, 3, 4, 5, 6}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.orientation);
    Raster r = Tiny();
    ApplyTiffOrientation(c.orientation, r);
    EXPECT_EQ(r.width, c.width);
    EXPECT_EQ(r.height, c.height);
    EXPECT_EQ(r.pixels, c.upright);
    EXPECT_DOUBLE_EQ(r.xdpi, c.width == 3 ? 200 : 100);
  }
}

TEST(DecodeContext, ChecksPagesAgainstThePerPageAndTotalBudgets) {
  DecodeLimits limits;
  limits.max_page_pixels = 100;
  limits.max_total_pixels = 150;
  DecodeContext ctx(limits, Clock::now() + std::chrono::hours(1));
  EXPECT_TRUE(ctx.ReservePage(10, 10, "x").has_value());
  EXPECT_EQ(ctx.CheckPageSize(10, 11, "x").error().reason, "page_too_large");
  EXPECT_EQ(ctx.CheckPageSize(int64_t{1} << 40, int64_t{1} << 40, "x").error().reason, "page_too_large");
  EXPECT_EQ(ctx.CheckPageSize(0, 10, "tiff_unreadable").error().reason, "tiff_unreadable");
  EXPECT_EQ(ctx.ReservePage(10, 6, "x").error().reason, "total_pixels_too_large");
  EXPECT_TRUE(ctx.ReservePage(10, 5, "x").has_value());
  EXPECT_EQ(ctx.CheckPageCount(101).error().reason, "too_many_pages");
  EXPECT_TRUE(ctx.CheckDeadline().has_value());
  DecodeContext late(limits, Clock::now() - std::chrono::milliseconds(1));
  EXPECT_EQ(late.CheckDeadline().error().reason, "decode_timeout");
}

}  // namespace
}  // namespace faxintake::ingest
