#include "server/http_server.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <map>
#include <mutex>

namespace faxintake::server {
namespace {

// A fake intake behind the real HTTP server on 127.0.0.1 port 0.
struct FakeIntake {
  std::mutex mu;
  std::map<std::string, std::string> stored;  // fax_id -> bytes
  std::vector<FaxMetadata> metas;
  bool full = false;

  HttpHandlers Handlers() {
    HttpHandlers h;
    h.upload = [this](std::string_view bytes, const FaxMetadata& meta) -> Result<UploadReply> {
      std::lock_guard lock(mu);
      if (full) return MakeError(ErrorCode::kResourceExhausted, "queue_full", "queue full");
      const std::string id = "fx_" + std::to_string(std::hash<std::string_view>{}(bytes) % 100000);
      const bool dup = stored.count(id) > 0;
      stored[id] = std::string(bytes);
      metas.push_back(meta);
      return UploadReply{id, dup};
    };
    // An API route as the staff API registers them: captures, query, headers, body in; status,
    // headers and JSON out.
    h.api.push_back(ApiRoute{"GET", R"(/v1/things/([a-z0-9_]{1,20})/([0-9]{1,3}))", [](const ApiRequest& r) {
                               nlohmann::json j = {{"params", r.params},
                                                   {"limit", std::string(r.query_value("limit").value_or("none"))},
                                                   {"auth", std::string(r.header("authorization"))}};
                               return ApiResponse{r.params[0] == "missing" ? 404 : 200, j.dump(), {{"X-Seen", "1"}}};
                             }});
    h.api.push_back(ApiRoute{"POST", "/v1/things", [](const ApiRequest& r) {
                               return ApiResponse{201, nlohmann::json{{"method", r.method}, {"body", r.body}}.dump(), {}};
                             }});
    h.ready = [] { return true; };
    h.metrics = [] { return std::string("faxintake_faxes_accepted_total 1\n"); };
    return h;
  }
};

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    HttpOptions o;
    o.port = 0;
    o.max_upload_bytes = 1 << 20;
    server_ = std::make_unique<HttpServer>(o, intake_.Handlers());
    auto started = server_->Start();
    ASSERT_TRUE(started.has_value());
    ASSERT_GT(server_->port(), 0);
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
  }
  FakeIntake intake_;
  std::unique_ptr<HttpServer> server_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(HttpServerTest, AcceptsAMultipartUploadAndAnswers202WithTheFaxId) {
  httplib::MultipartFormDataItems items = {{"file", "II*\0fakefax", "fax001.tif", "image/tiff"}};
  auto res = client_->Post("/v1/faxes", {{"X-Fax-Id", "gw-123"}}, items);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 202);
  auto body = nlohmann::json::parse(res->body);
  EXPECT_TRUE(body["fax_id"].get<std::string>().starts_with("fx_"));
  EXPECT_EQ(body["duplicate"], false);
  ASSERT_EQ(intake_.metas.size(), 1u);
  EXPECT_EQ(intake_.metas[0].original_name, "fax001.tif");
  EXPECT_EQ(intake_.metas[0].gateway_fax_id, "gw-123");

  auto again = client_->Post("/v1/faxes", items);
  ASSERT_TRUE(again);
  EXPECT_EQ(nlohmann::json::parse(again->body)["duplicate"], true);
}

TEST_F(HttpServerTest, AMultipartUploadReachesTheIntakeByteForByte) {
  std::string tiff("II*\0", 4);
  for (int i = 0; i < 200000; ++i) tiff.push_back(static_cast<char>((i * 7919) & 0xff));
  auto res = client_->Post("/v1/faxes", httplib::MultipartFormDataItems{{"file", tiff, "big.tif", "image/tiff"}});
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 202) << res->body;
  std::lock_guard lock(intake_.mu);
  ASSERT_EQ(intake_.stored.size(), 1u);
  EXPECT_TRUE(intake_.stored.begin()->second == tiff);
}

TEST_F(HttpServerTest, AcceptsARawPdfBody) {
  auto res = client_->Post("/v1/faxes", std::string("%PDF-1.4 fake"), "application/pdf");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 202);
}

TEST_F(HttpServerTest, RejectsWhatItCannotTake) {
  auto no_file = client_->Post("/v1/faxes", httplib::MultipartFormDataItems{{"other", "x", "", ""}});
  ASSERT_TRUE(no_file);
  EXPECT_EQ(no_file->status, 400);
  EXPECT_EQ(nlohmann::json::parse(no_file->body)["error"]["code"], "missing_file");

  auto wrong_type = client_->Post("/v1/faxes", std::string("hello"), "text/plain");
  ASSERT_TRUE(wrong_type);
  EXPECT_EQ(wrong_type->status, 415);

  auto too_big = client_->Post("/v1/faxes", std::string((1 << 20) + 10, 'x'), "application/pdf");
  ASSERT_TRUE(too_big);
  EXPECT_TRUE(too_big->status == 413) << too_big->status;
  EXPECT_TRUE(intake_.stored.empty());
}

TEST_F(HttpServerTest, AnswersServiceUnavailableWithRetryAfterWhenFull) {
  intake_.full = true;
  auto res = client_->Post("/v1/faxes", std::string("%PDF-1.4"), "application/pdf");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 503);
  EXPECT_EQ(res->get_header_value("Retry-After"), "30");
}

TEST_F(HttpServerTest, HandsApiRoutesTheirCapturesQueryHeadersAndBody) {
  auto r = client_->Get("/v1/things/abc/42?limit=7&other=x", {{"Authorization", "Bearer t0k"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Content-Type"), "application/json");
  EXPECT_EQ(r->get_header_value("X-Seen"), "1");
  auto body = nlohmann::json::parse(r->body);
  EXPECT_EQ(body["params"], nlohmann::json::array({"abc", "42"}));
  EXPECT_EQ(body["limit"], "7");
  EXPECT_EQ(body["auth"], "Bearer t0k");
  EXPECT_EQ(client_->Get("/v1/things/missing/1")->status, 404);
  EXPECT_EQ(client_->Get("/v1/things/abc/1234")->status, 404);  // the pattern bounds the capture
  auto posted = client_->Post("/v1/things", R"({"reason":"x"})", "application/json");
  ASSERT_TRUE(posted);
  EXPECT_EQ(posted->status, 201);
  EXPECT_EQ(nlohmann::json::parse(posted->body)["body"], R"({"reason":"x"})");
}

TEST_F(HttpServerTest, ServesNoResultsWithoutTheApiAndAnswersHealthAndMetrics) {
  auto up = client_->Post("/v1/faxes", std::string("%PDF-1.4 x"), "application/pdf");
  ASSERT_TRUE(up);
  const std::string id = nlohmann::json::parse(up->body)["fax_id"];
  EXPECT_EQ(client_->Get("/v1/faxes/" + id)->status, 404);  // results are served by the staff API only
  EXPECT_EQ(client_->Get("/healthz")->status, 200);
  EXPECT_EQ(client_->Get("/readyz")->status, 200);
  auto m = client_->Get("/metrics");
  EXPECT_NE(m->body.find("faxintake_faxes_accepted_total"), std::string::npos);
}

}  // namespace
}  // namespace faxintake::server
