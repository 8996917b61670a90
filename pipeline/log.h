// The logging facade: structured key=value lines on stderr, through spdlog.
//
// Rule: log ids, counts, codes and durations, never OCR text or field values
// (patient data). Call sites pass only such values. Thread-safe.
#pragma once

#include <fmt/format.h>

#include <string_view>

namespace faxintake::log {

enum class Level { kDebug, kInfo, kWarn, kError, kOff };

// Sets the minimum level (default kInfo). Thread-safe.
void SetLevel(Level level);
Level ParseLevel(std::string_view name);  // "debug", "info", "warn", "error", "off"

void Write(Level level, std::string_view event, std::string_view kv);

// Example: log::Info("fax_processed", "fax_id={} pages={}", id, n);
template <typename... Args>
void Info(std::string_view event, fmt::format_string<Args...> f, Args&&... args) {
  Write(Level::kInfo, event, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void Warn(std::string_view event, fmt::format_string<Args...> f, Args&&... args) {
  Write(Level::kWarn, event, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void Error(std::string_view event, fmt::format_string<Args...> f, Args&&... args) {
  Write(Level::kError, event, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void Debug(std::string_view event, fmt::format_string<Args...> f, Args&&... args) {
  Write(Level::kDebug, event, fmt::format(f, std::forward<Args>(args)...));
}

}  // namespace faxintake::log
