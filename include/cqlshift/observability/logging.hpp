#pragma once
// Logging setup: spdlog's default logger writes to stderr (stdout carries only the lines
// scripts wait for), as text lines or one JSON object per line (`log_format`). Both can change
// at any time (a reload), from any thread.

#include "cqlshift/config/settings.hpp"

#include <string_view>

namespace cqlshift::observability {

// Installs the stderr logger on first call; sets the level (config spelling: trace .. critical)
// and the format.
void configure_logging(std::string_view level, config::log_format format);

}  // namespace cqlshift::observability
