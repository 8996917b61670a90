// Media fetch over HTTPS: the one libcurl adapter (the only file that includes curl.h is
// fetch.cc). Fetch-style gateways (Telnyx, Twilio-style) send a short-lived URL instead of
// the fax; this downloads it with TLS verification on, connect and total timeouts, a size
// limit, a bounded number of redirects and a few retries with exponential back-off.
//
// Thread-safety: Fetch may be called from any number of threads at once.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "pipeline/status.h"

namespace faxintake::ingest {

struct FetchOptions {
  // Time to establish the connection (TCP + TLS), per attempt.
  int connect_timeout_ms = 10'000;
  // Time for the whole transfer, per attempt.
  int total_timeout_ms = 120'000;
  // Larger bodies are refused (kResourceExhausted), also when no Content-Length is sent.
  size_t max_bytes = 64u << 20;
  // Redirects followed; one more is an error. Redirects stay on https.
  int max_redirects = 3;
  // Attempts in one call; only transient failures (connection, timeout, 408, 429, 5xx) are
  // retried. 1: no retry.
  int attempts = 3;
  // Back-off before the second attempt; doubled after each further failure, up to max.
  int initial_backoff_ms = 500;
  int max_backoff_ms = 8'000;
  // Allows plain http:// URLs whose host is 127.0.0.1, ::1 or localhost (tests and local
  // tools). Everything else must be https:// with a verified certificate.
  bool allow_plain_http_to_loopback = false;
  // Extra CA bundle (PEM file) to trust; empty: the system's.
  std::string ca_file;
  // HTTP Basic credentials sent with the request (e.g. SignalWire media). Empty: none.
  std::string basic_user;
  std::string basic_password;
};

struct FetchedMedia {
  std::string bytes;
  std::string content_type;  // as the server sent it, may be empty
  int attempts = 0;          // attempts used
};

// Downloads `url` into memory.
// Errors: kInvalidArgument for a malformed URL or a scheme/host the options do not allow;
// kResourceExhausted when the body exceeds max_bytes; kNotFound for 404/410;
// kFailedPrecondition for 401/403 (wrong credentials or an expired link) and other 4xx;
// kUnavailable for transient failures that outlived every attempt (connection, TLS, timeout,
// 408, 429, 5xx, too many redirects). Messages name the host, never the full URL (pre-signed
// URLs carry credentials).
Result<FetchedMedia> Fetch(const std::string& url, const FetchOptions& options);

// POSTs `fields` as application/x-www-form-urlencoded to `url` and returns the answer, under
// the same rules as Fetch (scheme and loopback rule, TLS verification, timeouts, size limit,
// retries of transient failures, the same errors). Redirects are never followed (the form may
// carry credentials): a 3xx answer is kUnavailable. Field values never appear in messages.
// Used for form-style gateway APIs (SRFax).
using FormFields = std::vector<std::pair<std::string, std::string>>;
Result<FetchedMedia> PostForm(const std::string& url, const FormFields& fields, const FetchOptions& options);

// The host part of an http(s) URL, or "" when it has none. Used for logs.
std::string UrlHost(const std::string& url);

}  // namespace faxintake::ingest
