// Fax-gateway webhooks over real HTTP on 127.0.0.1: a test gateway posts signed requests for
// every provider to the HttpServer, serves media for the fetch-style ones from a local
// server, and sends bad signatures, replays, duplicates and out-of-order events. A real
// RecordStore in a temp dir tells what was stored.
#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>
#include <openssl/evp.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "ingest/fetch.h"
#include "server/http_server.h"
#include "server/webhooks.h"
#include "server/webhooks_config.h"
#include "server/webhooks_crypto.h"
#include "server/webhooks_formats.h"
#include "server/webhooks_spool.h"
#include "store/crypto.h"
#include "store/record_store.h"
#include "tests/support/test_support.h"

namespace faxintake::server {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Params = std::vector<std::pair<std::string, std::string>>;

// ------------------------------------------------------------------ signatures and formats

TEST(WebhookSignatures, TwilioMatchesThePublishedTestVector) {
  // From Twilio's request-validation docs.
  const Params params = {{"CallSid", "CA1234567890ABCDE"},
                         {"Caller", "+12349013030"},
                         {"Digits", "1234"},
                         {"From", "+12349013030"},
                         {"To", "+18005551212"}};
  EXPECT_EQ(TwilioSignature("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", params),
            "0/KCTR6DLpKmkAf8muzZqo1nDgQ=");
}

TEST(WebhookSignatures, PhaxioSortsParamsThenAddsFileDigests) {
  // Computed independently with Python's hmac and hashlib.
  const Params params = {{"success", "true"}, {"fax", "{\"id\":1234}"}, {"is_test", "false"}, {"direction", "received"}};
  EXPECT_EQ(PhaxioSignature("tok123", "https://example.com/callback?x=1", params, {{"file", "%PDF-1.4 fax"}}),
            "d419a88be8ce1e7a71f1697cd6b71d1536ff14e1");
}

TEST(WebhookSignatures, GenericIsHexHmacSha256OfTheBody) {
  // RFC 4231 test case 2.
  EXPECT_EQ(GenericSignature("Jefe", "what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(WebhookFormats, Base64RejectsGarbageAndDecodesPadding) {
  EXPECT_EQ(Base64Decode("aGVsbG8=").value_or("?"), "hello");
  EXPECT_EQ(Base64Decode("aGVs\nbG8h").value_or("?"), "hello!");
  EXPECT_FALSE(Base64Decode("aGVsbG8").has_value());
  EXPECT_FALSE(Base64Decode("aGV*bG8=").has_value());
  EXPECT_FALSE(Base64Decode("aGVsbG8=QQ==").has_value());
}

TEST(WebhookFormats, MultipartKeepsFieldsAndFilesInOrder) {
  const std::string body =
      "--XyZ\r\nContent-Disposition: form-data; name=\"fax\"\r\n\r\n{\"id\":1}\r\n"
      "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a;b.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
      "%PDF\r\n--not the boundary\r\n"
      "--XyZ--\r\n";
  auto parts = ParseMultipart("multipart/form-data; boundary=\"XyZ\"", body);
  ASSERT_TRUE(parts.has_value()) << parts.error().message;
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].name, "fax");
  EXPECT_FALSE((*parts)[0].is_file);
  EXPECT_EQ((*parts)[1].filename, "a;b.pdf");
  EXPECT_EQ((*parts)[1].content, "%PDF\r\n--not the boundary");
}

TEST(WebhookFormats, MalformedMultipartIsAnError) {
  for (const std::string& body : {std::string("--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nno end"),
                                 std::string("garbage"), std::string("--XyZ\r\nno-headers\r\n--XyZ--")}) {
    SCOPED_TRACE(body);
    auto parts = ParseMultipart("multipart/form-data; boundary=XyZ", body);
    ASSERT_FALSE(parts.has_value());
    EXPECT_EQ(parts.error().code, ErrorCode::kInvalidArgument);
  }
}

TEST(WebhookFormats, UrlEncodedDecodesPercentAndPlus) {
  auto p = ParseUrlEncoded("From=%2B12349013030&Name=a+b&Empty=");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(*p, (Params{{"From", "+12349013030"}, {"Name", "a b"}, {"Empty", ""}}));
  EXPECT_FALSE(ParseUrlEncoded("a=%2").has_value());
  EXPECT_FALSE(ParseUrlEncoded("a=%zz").has_value());
}

// ------------------------------------------------------------------ the test gateway

std::string Multipart(const std::string& boundary, const Params& fields, const Params& files) {
  std::string body;
  for (const auto& [name, value] : fields)
    body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n";
  for (const auto& [name, content] : files)
    body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name +
            "\"; filename=\"fax.pdf\"\r\nContent-Type: application/pdf\r\n\r\n" + content + "\r\n";
  return body + "--" + boundary + "--\r\n";
}

std::string FormEncode(const Params& params) {
  std::string out;
  for (const auto& [k, v] : params) {
    if (!out.empty()) out += "&";
    out += k + "=";
    for (unsigned char c : v) {
      if (std::isalnum(c) || c == '-' || c == '_' || c == '.') {
        out.push_back(static_cast<char>(c));
      } else {
        char buf[4];
        std::snprintf(buf, sizeof buf, "%%%02X", c);
        out += buf;
      }
    }
  }
  return out;
}

std::string BasicAuth(const std::string& user, const std::string& password) {
  return "Basic " + Base64Encode(user + ":" + password);
}

// An Ed25519 key pair standing in for Telnyx's.
class Ed25519Signer {
 public:
  Ed25519Signer() {
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr);
    EVP_PKEY_keygen_init(ctx);
    EVP_PKEY_keygen(ctx, &key_);
    EVP_PKEY_CTX_free(ctx);
  }
  ~Ed25519Signer() { EVP_PKEY_free(key_); }
  std::string PublicKey() const {
    std::string out(32, '\0');
    size_t len = out.size();
    EVP_PKEY_get_raw_public_key(key_, reinterpret_cast<unsigned char*>(out.data()), &len);
    return out;
  }
  std::string Sign(const std::string& message) const {
    std::string sig(64, '\0');
    size_t len = sig.size();
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    EVP_DigestSignInit(ctx, nullptr, nullptr, nullptr, key_);
    EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                   reinterpret_cast<const unsigned char*>(message.data()), message.size());
    EVP_MD_CTX_free(ctx);
    return sig;
  }

 private:
  EVP_PKEY* key_ = nullptr;
};

constexpr char kPublicBase[] = "https://fax.example.org";

// What the service wires: the store's AES-256-GCM sealer under a master key.
SpoolCipher TestCipher(const std::string& hex = std::string(64, 'a')) {
  auto key = store::StoreKey::FromHex(hex);
  EXPECT_TRUE(key.has_value());
  auto sealer = std::make_shared<const store::Sealer>(store::Sealer::Encrypting(*key));
  SpoolCipher c;
  c.seal = [sealer](std::string_view plain, std::string_view aad) { return sealer->Seal(plain, aad); };
  c.open = [sealer](std::string_view sealed, std::string_view aad) { return sealer->Unseal(sealed, aad); };
  return c;
}

// Every file under `dir` whose bytes contain `marker`.
std::vector<std::string> FilesContaining(const fs::path& dir, const std::string& marker) {
  std::vector<std::string> hits;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file() && testing::ReadFile(e.path()).find(marker) != std::string::npos)
      hits.push_back(e.path().string());
  return hits;
}

class WebhooksTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::StoreOptions so;
    so.path = (tmp_.path() / "store").string();
    so.allow_plaintext = true;
    auto opened = store::RecordStore::Open(so);
    ASSERT_TRUE(opened.has_value()) << opened.error().message;
    store_ = std::move(*opened);
    StartMediaServer();
    ASSERT_NO_FATAL_FAILURE(StartIntake());
  }

  void TearDown() override {
    if (http_) http_->Stop();
    if (intake_) intake_->Stop();
    media_.stop();
    if (media_thread_.joinable()) media_thread_.join();
  }

  std::vector<GatewayConfig> Gateways() const {
    auto url = [](const std::string& name) { return std::string(kPublicBase) + "/v1/webhooks/" + name; };
    std::vector<GatewayConfig> g(6);
    g[0] = {.name = "phaxio", .kind = GatewayKind::kPhaxio, .secret = "phaxio-token", .public_url = url("phaxio")};
    g[1] = {.name = "sinch", .kind = GatewayKind::kSinchV3, .basic_user = "sinch", .basic_password = "s3cret"};
    g[2] = {.name = "telnyx", .kind = GatewayKind::kTelnyx, .public_key = signer_.PublicKey()};
    g[3] = {.name = "signalwire", .kind = GatewayKind::kTwilio, .secret = "twilio-token", .public_url = url("signalwire")};
    g[4] = {.name = "documo", .kind = GatewayKind::kDocumo, .basic_user = "documo", .basic_password = "d0cumo"};
    g[5] = {.name = "inhouse", .kind = GatewayKind::kGeneric, .secret = "inhouse-key"};
    return g;
  }

  void StartIntake() {
    WebhookOptions o;
    o.spool_dir = (tmp_.path() / "webhooks").string();
    o.fetch.allow_plain_http_to_loopback = true;
    o.fetch.attempts = 1;
    o.fetch.connect_timeout_ms = 2000;
    o.fetch.total_timeout_ms = 5000;
    o.retry_min_seconds = 0.2;
    o.retry_max_seconds = 1;
    o.scan_seconds = 0.05;
    o.spool_cipher = cipher_;
    auto intake = WebhookIntake::Create(o, Gateways(), [this](std::string_view bytes, const FaxMetadata& meta) {
      return Accept(bytes, meta);
    });
    ASSERT_TRUE(intake.has_value()) << intake.error().message;
    intake_ = std::move(*intake);
    HttpOptions ho;
    ho.port = 0;
    HttpHandlers h;
    h.webhook = [this](const WebhookRequest& r) { return intake_->Handle(r); };
    http_ = std::make_unique<HttpServer>(ho, h);
    ASSERT_TRUE(http_->Start().has_value());
  }

  // What the service does: refuse when the queue is full, else store durably.
  Result<UploadReply> Accept(std::string_view bytes, const FaxMetadata& meta) {
    if (queue_full_) return MakeError(ErrorCode::kResourceExhausted, "queue_full", "the intake queue is full");
    auto r = store_->AcceptFax(bytes, meta);
    if (!r) return std::unexpected(r.error());
    return UploadReply{r->fax_id, !r->is_new};
  }

  void StartMediaServer() {
    media_.Get(R"(/media/([a-z0-9]+))", [this](const httplib::Request& req, httplib::Response& res) {
      ++media_requests_;
      if (media_failures_left_ > 0) {
        --media_failures_left_;
        res.status = 503;
        return;
      }
      res.set_content("%PDF-1.4 fetched fax " + req.matches[1].str(), "application/pdf");
    });
    media_.Get("/big", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(std::string(100'000, 'x'), "application/pdf");
    });
    media_port_ = media_.bind_to_any_port("127.0.0.1");
    media_thread_ = std::thread([this] { media_.listen_after_bind(); });
    while (!media_.is_running()) std::this_thread::sleep_for(1ms);  // stop() is a no-op before this
  }

  std::string MediaUrl(const std::string& id) const {
    return "http://127.0.0.1:" + std::to_string(media_port_) + "/media/" + id;
  }

  httplib::Result Post(const std::string& gateway, const std::string& body, const std::string& content_type,
                       httplib::Headers headers, const std::string& query = "") {
    httplib::Client c("127.0.0.1", http_->port());
    c.set_read_timeout(10, 0);
    return c.Post("/v1/webhooks/" + gateway + (query.empty() ? "" : "?" + query), headers, body, content_type);
  }

  uint64_t StoredFaxes() {
    auto s = store_->Stats();
    EXPECT_TRUE(s.has_value());
    return s ? s->faxes : 0;
  }

  // ---- requests as each gateway sends them

  httplib::Result PostPhaxio(const std::string& fax_id, const std::string& pdf, const std::string& token = "phaxio-token") {
    const Params fields = {{"success", "true"},
                           {"is_test", "false"},
                           {"direction", "received"},
                           {"event_type", "fax_completed"},
                           {"fax", "{\"id\":" + fax_id + ",\"direction\":\"received\",\"from_number\":\"+15551230000\","
                                   "\"to_number\":\"+15559870000\",\"num_pages\":1,\"status\":\"success\"}"}};
    const Params files = {{"file", pdf}};
    const std::string sig =
        PhaxioSignature(token, std::string(kPublicBase) + "/v1/webhooks/phaxio", fields, files);
    return Post("phaxio", Multipart("phx", fields, files), "multipart/form-data; boundary=phx",
                {{"X-Phaxio-Signature", sig}});
  }

  httplib::Result PostTelnyx(const std::string& event_type, const std::string& fax_id, const std::string& media_url,
                             int64_t age_seconds = 0, const std::string& event_id = "ev-1") {
    const nlohmann::json body = {
        {"data",
         {{"event_type", event_type},
          {"id", event_id},
          {"occurred_at", "2024-05-01T12:00:00Z"},
          {"payload",
           {{"fax_id", fax_id},
            {"direction", "inbound"},
            {"from", "+15551230000"},
            {"to", "+15559870000"},
            {"page_count", 1},
            {"status", event_type == "fax.received" ? "received" : "receiving"},
            {"media_url", media_url}}}}},
        {"meta", {{"attempt", 1}}}};
    const std::string raw = body.dump();
    const std::string ts = std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                              std::chrono::system_clock::now().time_since_epoch())
                                              .count() -
                                          age_seconds);
    return Post("telnyx", raw, "application/json",
                {{"telnyx-signature-ed25519", Base64Encode(signer_.Sign(ts + "|" + raw))}, {"telnyx-timestamp", ts}});
  }

  httplib::Result PostTwilio(const std::string& fax_sid, const std::string& status, const std::string& media_url,
                             const std::string& token = "twilio-token") {
    const Params params = {{"FaxSid", fax_sid},   {"AccountSid", "AC123"}, {"From", "+15551230000"},
                           {"To", "+15559870000"}, {"FaxStatus", status},   {"NumPages", "1"},
                           {"MediaUrl", media_url}, {"RemoteStationId", "CLINIC A"}};
    const std::string sig = TwilioSignature(token, std::string(kPublicBase) + "/v1/webhooks/signalwire", params);
    return Post("signalwire", FormEncode(params), "application/x-www-form-urlencoded", {{"X-Twilio-Signature", sig}});
  }

  httplib::Result PostGeneric(const std::string& fax_id, const std::string& pdf, const std::string& key = "inhouse-key") {
    const std::string body = Multipart("gen", {{"fax_id", fax_id}, {"from", "+15551230000"}}, {{"file", pdf}});
    return Post("inhouse", body, "multipart/form-data; boundary=gen",
                {{"X-Faxintake-Signature", GenericSignature(key, body)}});
  }

  testing::TempDir tmp_;
  SpoolCipher cipher_;  // none unless a test sets it before StartIntake
  std::unique_ptr<store::RecordStore> store_;
  std::unique_ptr<WebhookIntake> intake_;
  std::unique_ptr<HttpServer> http_;
  Ed25519Signer signer_;
  std::atomic<bool> queue_full_{false};
  httplib::Server media_;
  std::thread media_thread_;
  int media_port_ = 0;
  std::atomic<int> media_requests_{0};
  std::atomic<int> media_failures_left_{0};
};

// ------------------------------------------------------------------ providers

TEST_F(WebhooksTest, PhaxioSignedFaxIsStoredOnceAcrossRetries) {
  auto first = PostPhaxio("1234", "%PDF-1.4 phaxio fax");
  ASSERT_TRUE(first);
  ASSERT_EQ(first->status, 200) << first->body;
  const auto reply = nlohmann::json::parse(first->body);
  EXPECT_FALSE(reply["duplicate"].get<bool>());
  auto meta = store_->GetMetadata(reply["fax_id"]);
  ASSERT_TRUE(meta.has_value());
  EXPECT_EQ(meta->source, "webhook:phaxio");
  EXPECT_EQ(meta->gateway_fax_id, "1234");
  EXPECT_EQ(meta->from_number, "+15551230000");

  auto retry = PostPhaxio("1234", "%PDF-1.4 phaxio fax");
  ASSERT_TRUE(retry);
  EXPECT_EQ(retry->status, 200);
  EXPECT_TRUE(nlohmann::json::parse(retry->body)["duplicate"].get<bool>());
  EXPECT_EQ(nlohmann::json::parse(retry->body)["fax_id"], reply["fax_id"]);
  EXPECT_EQ(StoredFaxes(), 1u);
}

TEST_F(WebhooksTest, SinchV3AcceptsMultipartAndJsonBase64WithBasicAuth) {
  const std::string fax_json = R"({"id":"01HX1","direction":"INBOUND","from":"+15551230000","to":"+15559870000","status":"COMPLETED"})";
  const std::string body = Multipart("sn", {{"event", "INCOMING_FAX"}, {"fax", fax_json}}, {{"file", "%PDF-1.4 sinch one"}});
  auto multipart = Post("sinch", body, "multipart/form-data; boundary=sn", {{"Authorization", BasicAuth("sinch", "s3cret")}});
  ASSERT_TRUE(multipart);
  EXPECT_EQ(multipart->status, 200) << multipart->body;

  const nlohmann::json json_body = {{"event", "INCOMING_FAX"},
                                    {"eventTime", "2024-05-01T12:00:00Z"},
                                    {"fax", nlohmann::json::parse(R"({"id":"01HX2","direction":"INBOUND","status":"COMPLETED"})")},
                                    {"file", Base64Encode("%PDF-1.4 sinch two")},
                                    {"fileType", "PDF"}};
  auto json = Post("sinch", json_body.dump(), "application/json", {{"Authorization", BasicAuth("sinch", "s3cret")}});
  ASSERT_TRUE(json);
  EXPECT_EQ(json->status, 200) << json->body;
  const std::string id = nlohmann::json::parse(json->body)["fax_id"];
  EXPECT_EQ(store_->GetRawFax(id).value_or(""), "%PDF-1.4 sinch two");

  auto wrong = Post("sinch", json_body.dump(), "application/json", {{"Authorization", BasicAuth("sinch", "guess")}});
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 401);
  EXPECT_EQ(StoredFaxes(), 2u);
}

TEST_F(WebhooksTest, TelnyxEventIsAnsweredThenTheMediaIsFetchedAndStored) {
  auto progress = PostTelnyx("fax.receiving.started", "tx-1", "");
  ASSERT_TRUE(progress);
  EXPECT_EQ(progress->status, 200);
  EXPECT_EQ(nlohmann::json::parse(progress->body)["status"], "ignored");

  auto received = PostTelnyx("fax.received", "tx-1", MediaUrl("tx1"));
  ASSERT_TRUE(received);
  ASSERT_EQ(received->status, 200) << received->body;
  EXPECT_EQ(nlohmann::json::parse(received->body)["status"], "fetch_queued");
  EXPECT_EQ(intake_->pending_fetches(), 1u);
  EXPECT_EQ(StoredFaxes(), 0u) << "answered before the fetch; the spool holds the event";

  EXPECT_EQ(intake_->FetchDue(), 1u);
  EXPECT_EQ(intake_->pending_fetches(), 0u);
  ASSERT_EQ(StoredFaxes(), 1u);
  auto ids = store_->PendingFaxIds();
  ASSERT_TRUE(ids.has_value());
  ASSERT_EQ(ids->size(), 1u);
  EXPECT_EQ(store_->GetRawFax(ids->front()).value_or(""), "%PDF-1.4 fetched fax tx1");
  EXPECT_EQ(store_->GetMetadata(ids->front())->gateway_fax_id, "tx-1");

  // Telnyx repeats events and sends them out of order: none makes a second fax or a fetch.
  const int fetches = media_requests_;
  auto repeat = PostTelnyx("fax.received", "tx-1", MediaUrl("tx1"), 0, "ev-2");
  ASSERT_TRUE(repeat);
  EXPECT_EQ(repeat->status, 200);
  EXPECT_TRUE(nlohmann::json::parse(repeat->body)["duplicate"].get<bool>());
  EXPECT_EQ(nlohmann::json::parse(repeat->body)["fax_id"], ids->front());
  auto late = PostTelnyx("fax.media.processing.started", "tx-1", "", 0, "ev-0");
  ASSERT_TRUE(late);
  EXPECT_EQ(late->status, 200);
  EXPECT_EQ(intake_->FetchDue(true), 0u);
  EXPECT_EQ(media_requests_, fetches);
  EXPECT_EQ(StoredFaxes(), 1u);
}

TEST_F(WebhooksTest, TelnyxReplayWithAnOldTimestampIsRefused) {
  auto replay = PostTelnyx("fax.received", "tx-old", MediaUrl("old"), /*age_seconds=*/600);
  ASSERT_TRUE(replay);
  EXPECT_EQ(replay->status, 401);
  EXPECT_EQ(nlohmann::json::parse(replay->body)["error"]["code"], "stale_timestamp");
  auto future = PostTelnyx("fax.received", "tx-old", MediaUrl("old"), /*age_seconds=*/-600);
  ASSERT_TRUE(future);
  EXPECT_EQ(future->status, 401);
  EXPECT_EQ(intake_->pending_fetches(), 0u);
  EXPECT_EQ(StoredFaxes(), 0u);
}

TEST_F(WebhooksTest, TwilioFailedFetchIsRetriedLaterUntilStored) {
  media_failures_left_ = 2;
  auto r = PostTwilio("FX1", "received", MediaUrl("fx1"));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;

  EXPECT_EQ(intake_->FetchDue(), 0u) << "the media server answers 503";
  EXPECT_EQ(intake_->pending_fetches(), 1u) << "a failed fetch is kept";
  EXPECT_EQ(intake_->FetchDue(), 0u) << "not due yet: backed off";
  EXPECT_EQ(intake_->stats().fetch_failures.load(), 1u);

  // The background fetcher retries after the back-off until the media server recovers.
  intake_->Start();
  for (auto deadline = std::chrono::steady_clock::now() + 20s;
       StoredFaxes() == 0 && std::chrono::steady_clock::now() < deadline;)
    std::this_thread::sleep_for(50ms);
  intake_->Stop();
  ASSERT_EQ(StoredFaxes(), 1u);
  EXPECT_EQ(intake_->pending_fetches(), 0u);
  EXPECT_EQ(media_requests_.load(), 3);
  auto ids = store_->PendingFaxIds();
  ASSERT_TRUE(ids.has_value() && ids->size() == 1);
  auto meta = store_->GetMetadata(ids->front());
  EXPECT_EQ(meta->gateway_fax_id, "FX1");
  EXPECT_EQ(meta->sender_tsi, "CLINIC A");

  auto again = PostTwilio("FX1", "received", MediaUrl("fx1"));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200);
  EXPECT_TRUE(nlohmann::json::parse(again->body)["duplicate"].get<bool>());
}

TEST_F(WebhooksTest, PendingFetchSurvivesARestart) {
  media_failures_left_ = 1000;
  ASSERT_EQ(PostTwilio("FX9", "received", MediaUrl("fx9"))->status, 200);
  EXPECT_EQ(intake_->FetchDue(true), 0u);
  http_->Stop();
  intake_.reset();  // a crash or restart

  media_failures_left_ = 0;
  ASSERT_NO_FATAL_FAILURE(StartIntake());
  EXPECT_EQ(intake_->pending_fetches(), 1u);
  EXPECT_EQ(intake_->FetchDue(true), 1u);
  EXPECT_EQ(StoredFaxes(), 1u);
}

TEST_F(WebhooksTest, SpooledEventsAreSealedAtRestAndStillFetchedAfterARestart) {
  http_->Stop();
  intake_.reset();
  cipher_ = TestCipher();
  ASSERT_NO_FATAL_FAILURE(StartIntake());
  const std::string marker = "MARKER7731PATIENT";
  media_failures_left_ = 1000;
  ASSERT_EQ(PostTwilio("FX" + marker, "received", MediaUrl("fx77") + "?token=" + marker)->status, 200);
  EXPECT_EQ(intake_->FetchDue(true), 0u);  // failed: the record was rewritten with the failure
  EXPECT_EQ(intake_->pending_fetches(), 1u);
  EXPECT_EQ(FilesContaining(tmp_.path() / "webhooks", marker), std::vector<std::string>{});
  EXPECT_EQ(FilesContaining(tmp_.path() / "webhooks", "+15551230000"), std::vector<std::string>{});

  http_->Stop();
  intake_.reset();  // a restart
  media_failures_left_ = 0;
  ASSERT_NO_FATAL_FAILURE(StartIntake());
  EXPECT_EQ(intake_->pending_fetches(), 1u);
  EXPECT_EQ(intake_->FetchDue(true), 1u);
  ASSERT_EQ(StoredFaxes(), 1u);
  auto ids = store_->PendingFaxIds();
  ASSERT_TRUE(ids.has_value() && ids->size() == 1);
  EXPECT_EQ(store_->GetMetadata(ids->front())->gateway_fax_id, "FX" + marker);
}

TEST(FetchSpool, PlaintextRecordsFromBeforeSealingAreSealedWhenOpenedWithACipher) {
  testing::TempDir tmp;
  const std::string dir = (tmp.path() / "spool").string();
  const std::string marker = "MARKER4242";
  PendingFetch f;
  f.key = FetchSpool::KeyFor("telnyx", "fax-1");
  f.gateway = "telnyx";
  f.media_url = "https://media.example.org/fax-1?token=" + marker;
  f.meta.from_number = "+15551230000";
  {
    auto old = FetchSpool::Open(dir);  // an earlier version: no cipher
    ASSERT_TRUE(old.has_value());
    ASSERT_EQ(old->Add(f).value(), FetchSpool::AddOutcome::kAdded);
  }
  ASSERT_EQ(FilesContaining(dir, marker).size(), 1u);

  auto sealed = FetchSpool::Open(dir, TestCipher());
  ASSERT_TRUE(sealed.has_value());
  EXPECT_EQ(FilesContaining(dir, marker), std::vector<std::string>{});
  const auto pending = sealed->ListPending();
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].media_url, f.media_url);
  EXPECT_EQ(pending[0].meta.from_number, "+15551230000");

  // Sealed records open only under the same key.
  auto other_key = FetchSpool::Open(dir, TestCipher(std::string(64, 'b')));
  ASSERT_TRUE(other_key.has_value());
  EXPECT_TRUE(other_key->ListPending().empty());
  EXPECT_FALSE(other_key->GetPending(f.key).has_value());
}

TEST_F(WebhooksTest, TwilioProgressAndFailureEventsStoreNothing) {
  for (const char* status : {"receiving", "failed"}) {
    SCOPED_TRACE(status);
    auto r = PostTwilio("FX2", status, "");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
  }
  EXPECT_EQ(intake_->pending_fetches(), 0u);
  EXPECT_EQ(StoredFaxes(), 0u);
}

TEST_F(WebhooksTest, DocumoAttachmentWithBasicAuthIsStored) {
  const std::string body =
      Multipart("dm", {{"data", R"({"messageId":"m-77","direction":"inbound","resultInfo":"OK"})"}}, {{"attachment", "%PDF-1.4 documo"}});
  auto ok = Post("documo", body, "multipart/form-data; boundary=dm", {{"Authorization", BasicAuth("documo", "d0cumo")}});
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200) << ok->body;
  auto again = Post("documo", body, "multipart/form-data; boundary=dm", {{"Authorization", BasicAuth("documo", "d0cumo")}});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200);
  EXPECT_TRUE(nlohmann::json::parse(again->body)["duplicate"].get<bool>());
  auto anonymous = Post("documo", body, "multipart/form-data; boundary=dm", {});
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->status, 401);
  EXPECT_EQ(StoredFaxes(), 1u);
}

TEST_F(WebhooksTest, GenericUploadIsStoredAndAFullQueueAnswers503) {
  auto ok = PostGeneric("job-1", "%PDF-1.4 in-house");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200) << ok->body;

  queue_full_ = true;
  auto busy = PostGeneric("job-2", "%PDF-1.4 in-house two");
  ASSERT_TRUE(busy);
  EXPECT_EQ(busy->status, 503);
  EXPECT_EQ(busy->get_header_value("Retry-After"), "30");
  queue_full_ = false;
  EXPECT_EQ(StoredFaxes(), 1u);
  auto later = PostGeneric("job-2", "%PDF-1.4 in-house two");
  ASSERT_TRUE(later);
  EXPECT_EQ(later->status, 200);
  EXPECT_EQ(StoredFaxes(), 2u);
}

TEST_F(WebhooksTest, BadOrMissingSignaturesAre401AndStoreNothing) {
  struct Case {
    std::string name;
    std::function<httplib::Result()> post;
  };
  const std::string body = Multipart("gen", {{"fax_id", "x"}}, {{"file", "%PDF-1.4 forged"}});
  const std::vector<Case> cases = {
      {"phaxio wrong token", [&] { return PostPhaxio("99", "%PDF-1.4 forged", "not-the-token"); }},
      {"phaxio no header",
       [&] { return Post("phaxio", body, "multipart/form-data; boundary=gen", {}); }},
      {"twilio wrong token", [&] { return PostTwilio("FX3", "received", MediaUrl("fx3"), "not-the-token"); }},
      {"twilio no header",
       [&] { return Post("signalwire", "FaxSid=FX3&FaxStatus=received", "application/x-www-form-urlencoded", {}); }},
      {"generic wrong key", [&] { return PostGeneric("job-9", "%PDF-1.4 forged", "not-the-key"); }},
      {"generic signature of another body",
       [&] {
         return Post("inhouse", body, "multipart/form-data; boundary=gen",
                     {{"X-Faxintake-Signature", GenericSignature("inhouse-key", body + " ")}});
       }},
      {"telnyx signature of another body",
       [&] {
         const std::string ts = std::to_string(std::time(nullptr));
         return Post("telnyx", R"({"data":{"event_type":"fax.received"}})", "application/json",
                     {{"telnyx-signature-ed25519", Base64Encode(signer_.Sign(ts + "|{}"))}, {"telnyx-timestamp", ts}});
       }},
      {"telnyx no headers", [&] { return Post("telnyx", "{}", "application/json", {}); }},
      {"sinch no credentials", [&] { return Post("sinch", body, "multipart/form-data; boundary=gen", {}); }},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto r = c.post();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 401) << r->body;
  }
  EXPECT_EQ(StoredFaxes(), 0u);
  EXPECT_EQ(intake_->pending_fetches(), 0u);
  EXPECT_EQ(intake_->stats().unauthenticated.load(), cases.size());
  EXPECT_EQ(media_requests_.load(), 0);
}

TEST_F(WebhooksTest, UnknownGatewayIs404) {
  auto r = Post("nosuch", "{}", "application/json", {});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
}

// ------------------------------------------------------------------ fetch

TEST_F(WebhooksTest, FetchRefusesPlainHttpUnlessAllowedForLoopback) {
  ingest::FetchOptions o;
  auto refused = ingest::Fetch(MediaUrl("a"), o);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
  o.allow_plain_http_to_loopback = true;
  auto remote = ingest::Fetch("http://example.org/fax.pdf", o);
  ASSERT_FALSE(remote.has_value());
  EXPECT_EQ(remote.error().reason, "fetch_scheme_refused");
  auto ok = ingest::Fetch(MediaUrl("a"), o);
  ASSERT_TRUE(ok.has_value()) << ok.error().message;
  EXPECT_EQ(ok->bytes, "%PDF-1.4 fetched fax a");
  EXPECT_EQ(ok->content_type, "application/pdf");
}

TEST_F(WebhooksTest, FetchRetriesTransientFailuresAndEnforcesTheSizeLimit) {
  ingest::FetchOptions o;
  o.allow_plain_http_to_loopback = true;
  o.attempts = 3;
  o.initial_backoff_ms = 10;
  media_failures_left_ = 2;
  auto ok = ingest::Fetch(MediaUrl("b"), o);
  ASSERT_TRUE(ok.has_value()) << ok.error().message;
  EXPECT_EQ(ok->attempts, 3);

  o.max_bytes = 1000;
  auto big = ingest::Fetch("http://127.0.0.1:" + std::to_string(media_port_) + "/big", o);
  ASSERT_FALSE(big.has_value());
  EXPECT_EQ(big.error().code, ErrorCode::kResourceExhausted);

  auto missing = ingest::Fetch("http://127.0.0.1:" + std::to_string(media_port_) + "/nothing", o);
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

// ------------------------------------------------------------------ configuration

TEST(WebhooksConfig, TheShippedFileLoadsWithEveryGatewayDisabled) {
  auto c = LoadWebhooksConfig((testing::SourceDir() / "config" / "gateways.yaml").string());
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_TRUE(c->gateways.empty());
  EXPECT_EQ(c->options.spool_dir, "var/webhooks");
  EXPECT_EQ(c->options.fetch.max_redirects, 3);
}

TEST(WebhooksConfig, SecretsComeFromTheEnvironmentOrAFile) {
  testing::TempDir tmp;
  testing::WriteFile(tmp.path() / "documo.pass", "from-file\n");
  testing::WriteFile(tmp.path() / "gateways.yaml", R"(webhooks:
  public_base_url: https://fax.example.org/
  gateways:
    - name: inhouse
      type: generic
      secret_env: FAXINTAKE_TEST_INHOUSE_KEY
    - name: documo
      type: documo
      basic_user_env: FAXINTAKE_TEST_DOCUMO_USER
      basic_password_file: documo.pass
    - name: phaxio
      type: phaxio
      enabled: false
      secret_env: FAXINTAKE_TEST_UNSET
)");
  ::setenv("FAXINTAKE_TEST_INHOUSE_KEY", "k3y", 1);
  ::setenv("FAXINTAKE_TEST_DOCUMO_USER", "documo", 1);
  auto c = LoadWebhooksConfig((tmp.path() / "gateways.yaml").string());
  ASSERT_TRUE(c.has_value()) << c.error().message;
  ASSERT_EQ(c->gateways.size(), 2u);
  EXPECT_EQ(c->gateways[0].secret, "k3y");
  EXPECT_EQ(c->gateways[0].public_url, "https://fax.example.org/v1/webhooks/inhouse");
  EXPECT_EQ(c->gateways[1].basic_password, "from-file");

  ::unsetenv("FAXINTAKE_TEST_INHOUSE_KEY");
  auto missing = LoadWebhooksConfig((tmp.path() / "gateways.yaml").string());
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(missing.error().message.find("FAXINTAKE_TEST_INHOUSE_KEY"), std::string::npos);
}

TEST(WebhooksConfig, AGatewayWithoutItsSecretIsRefused) {
  testing::TempDir tmp;
  GatewayConfig g{.name = "telnyx", .kind = GatewayKind::kTelnyx};
  WebhookOptions o;
  o.spool_dir = (tmp.path() / "spool").string();
  auto intake = WebhookIntake::Create(o, {g}, nullptr);
  ASSERT_FALSE(intake.has_value());
  EXPECT_EQ(intake.error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace faxintake::server
