#include "ingest/fetch.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <memory>
#include <mutex>
#include <thread>

#include "pipeline/log.h"

namespace faxintake::ingest {
namespace {

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Sink {
  std::string* out;
  size_t max_bytes;
  bool too_large = false;
};

size_t WriteBody(char* data, size_t size, size_t n, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const size_t len = size * n;
  if (sink->out->size() + len > sink->max_bytes) {
    sink->too_large = true;
    return 0;  // aborts the transfer with CURLE_WRITE_ERROR
  }
  sink->out->append(data, len);
  return len;
}

bool IsLoopbackHost(const std::string& host) {
  return host == "127.0.0.1" || host == "localhost" || host == "[::1]" || host == "::1";
}

std::string SchemeOf(const std::string& url) {
  const size_t colon = url.find("://");
  if (colon == std::string::npos) return "";
  std::string scheme = url.substr(0, colon);
  std::transform(scheme.begin(), scheme.end(), scheme.begin(), [](unsigned char c) { return std::tolower(c); });
  return scheme;
}

enum class Outcome { kDone, kRetry, kFail };

struct Attempt {
  Outcome outcome = Outcome::kFail;
  Error error;
  FetchedMedia media;
};

// `post_body`: null for a GET, else the urlencoded form to POST.
Attempt FetchOnce(const std::string& url, const FetchOptions& o, bool plain_http, const std::string* post_body) {
  Attempt a;
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) {
    a.error = Error{ErrorCode::kUnavailable, "fetch_init_failed", "libcurl could not start a transfer"};
    a.outcome = Outcome::kRetry;
    return a;
  }
  CURL* c = curl.get();
  Sink sink{&a.media.bytes, o.max_bytes};
  char errbuf[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, plain_http ? "http,https" : "https");
  curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, (o.max_redirects > 0 && !post_body) ? 1L : 0L);
  curl_easy_setopt(c, CURLOPT_MAXREDIRS, static_cast<long>(o.max_redirects));
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!o.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, o.ca_file.c_str());
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(o.connect_timeout_ms));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(o.total_timeout_ms));
  curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(o.max_bytes));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &WriteBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "faxintake/0.1");
  curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
  if (post_body) {
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(post_body->size()));
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, post_body->c_str());
  }
  if (!o.basic_user.empty()) {
    curl_easy_setopt(c, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
    curl_easy_setopt(c, CURLOPT_USERNAME, o.basic_user.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, o.basic_password.c_str());
    // Credentials go to the first host only, never to a redirect target.
    curl_easy_setopt(c, CURLOPT_UNRESTRICTED_AUTH, 0L);
  }

  const CURLcode rc = curl_easy_perform(c);
  const std::string host = UrlHost(url);
  if (sink.too_large || rc == CURLE_FILESIZE_EXCEEDED) {
    a.error = Error{ErrorCode::kResourceExhausted, "fetch_too_large",
                    "media from " + host + " exceeds " + std::to_string(o.max_bytes) + " bytes"};
    return a;
  }
  if (rc != CURLE_OK) {
    a.error = Error{ErrorCode::kUnavailable, "fetch_failed",
                    "fetch from " + host + " failed: " + curl_easy_strerror(rc)};
    // A refused scheme or bad URL will not get better by retrying.
    const bool permanent = rc == CURLE_UNSUPPORTED_PROTOCOL || rc == CURLE_URL_MALFORMAT;
    if (permanent) a.error.code = ErrorCode::kInvalidArgument;
    a.outcome = permanent ? Outcome::kFail : Outcome::kRetry;
    return a;
  }
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  char* ct = nullptr;
  curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct);
  if (ct) a.media.content_type = ct;
  if (status >= 200 && status < 300) {
    a.outcome = Outcome::kDone;
    return a;
  }
  const std::string what = "fetch from " + host + " answered HTTP " + std::to_string(status);
  if (status == 408 || status == 429 || status >= 500) {
    a.error = Error{ErrorCode::kUnavailable, "fetch_http_" + std::to_string(status), what};
    a.outcome = Outcome::kRetry;
  } else if (status == 404 || status == 410) {
    a.error = Error{ErrorCode::kNotFound, "fetch_http_" + std::to_string(status), what};
  } else if (status >= 300 && status < 400) {
    a.error = Error{ErrorCode::kUnavailable, "fetch_too_many_redirects", what};
  } else {
    a.error = Error{ErrorCode::kFailedPrecondition, "fetch_http_" + std::to_string(status), what};
  }
  return a;
}

}  // namespace

std::string UrlHost(const std::string& url) {
  const size_t start = url.find("://");
  if (start == std::string::npos) return "";
  size_t begin = start + 3;
  size_t end = url.find_first_of("/?#", begin);
  std::string authority = url.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
  if (const size_t at = authority.rfind('@'); at != std::string::npos) authority = authority.substr(at + 1);
  if (authority.starts_with("[")) {
    const size_t close = authority.find(']');
    return close == std::string::npos ? "" : authority.substr(0, close + 1);
  }
  return authority.substr(0, authority.find(':'));
}

namespace {

Result<FetchedMedia> Transfer(const std::string& url, const FetchOptions& options, const std::string* post_body) {
  GlobalInit();
  const std::string scheme = SchemeOf(url);
  const std::string host = UrlHost(url);
  if (host.empty()) return MakeError(ErrorCode::kInvalidArgument, "fetch_bad_url", "the media URL has no host");
  const bool plain_http = scheme == "http";
  if (scheme != "https" && !(plain_http && options.allow_plain_http_to_loopback && IsLoopbackHost(host)))
    return MakeError(ErrorCode::kInvalidArgument, "fetch_scheme_refused",
                     "only https media URLs are fetched (host " + host + ")");

  int backoff_ms = std::max(0, options.initial_backoff_ms);
  const int attempts = std::max(1, options.attempts);
  Attempt last;
  for (int i = 1; i <= attempts; ++i) {
    last = FetchOnce(url, options, plain_http, post_body);
    last.media.attempts = i;
    if (last.outcome == Outcome::kDone) return std::move(last.media);
    if (last.outcome == Outcome::kFail || i == attempts) break;
    log::Warn("fetch_retry", "host={} attempt={} code={}", host, i, last.error.reason);
    std::this_thread::sleep_for(std::chrono::milliseconds(backoff_ms));
    backoff_ms = std::min(backoff_ms * 2, options.max_backoff_ms);
  }
  return std::unexpected(last.error);
}

std::string UrlEncode(const std::string& s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char ch : s) {
    if (std::isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~') {
      out += static_cast<char>(ch);
    } else {
      out += '%';
      out += kHex[ch >> 4];
      out += kHex[ch & 15];
    }
  }
  return out;
}

}  // namespace

Result<FetchedMedia> Fetch(const std::string& url, const FetchOptions& options) {
  return Transfer(url, options, nullptr);
}

Result<FetchedMedia> PostForm(const std::string& url, const FormFields& fields, const FetchOptions& options) {
  std::string body;
  for (const auto& [name, value] : fields) {
    if (!body.empty()) body += '&';
    body += UrlEncode(name);
    body += '=';
    body += UrlEncode(value);
  }
  return Transfer(url, options, &body);
}

}  // namespace faxintake::ingest
