// YAML is read with yaml-cpp into text only: every value is parsed later by the same parsers
// as environment values, so a key means the same thing whichever source gives it.

#include "cqlshift/config/load.hpp"
#include "sources.hpp"

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <fstream>
#include <system_error>

namespace cqlshift::config::detail {
namespace {

std::string where(const std::filesystem::path& file, const YAML::Mark& mark) {
  return " (in " + file.string() + ", line " + std::to_string(mark.line + 1) + ")";
}

YAML::Node parse(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) {
    const std::error_code ec(errno, std::generic_category());
    fail("cannot read file " + file.string() + ": " + ec.message());
  }
  try {
    return YAML::Load(in);
  } catch (const YAML::ParserException& e) {
    fail("cannot parse file " + file.string() + ", line " + std::to_string(e.mark.line + 1) + ": " +
         e.msg);
  }
}

}  // namespace

std::vector<raw_value> read_yaml_file(const std::filesystem::path& file) {
  const YAML::Node root = parse(file);
  std::vector<raw_value> out;
  if (root.IsNull()) return out;  // an empty file sets nothing
  if (!root.IsMap()) {
    fail("file " + file.string() + " must hold a map of 'key: value' lines at the top level");
  }
  std::map<std::string, int> lines;  // key -> line, to report repeated keys
  for (const auto& pair : root) {
    const YAML::Node& key = pair.first;
    const YAML::Node& value = pair.second;
    const std::string origin = where(file, key.Mark());
    if (!key.IsScalar()) fail("file " + file.string() + ": keys must be plain names" + origin);
    raw_value raw{.key = key.Scalar(), .text = {}, .items = {}, .origin = origin};
    const int line = key.Mark().line + 1;
    if (const auto [it, inserted] = lines.emplace(raw.key, line); !inserted) {
      fail("key '" + raw.key + "' is given twice (in " + file.string() + ", lines " +
           std::to_string(it->second) + " and " + std::to_string(line) + ")");
    }
    const auto nested = [&raw] {
      fail("key '" + raw.key +
           "': got a nested map, expected a single value (keys are flat, as in the reference "
           "proxy: origin_port, not origin: port:)" +
           raw.origin);
    };
    switch (value.Type()) {
      case YAML::NodeType::Null:
      case YAML::NodeType::Undefined:
        continue;
      case YAML::NodeType::Scalar:
        raw.text = value.Scalar();
        break;
      case YAML::NodeType::Sequence:
        raw.items.emplace();
        for (const auto& item : value) {
          if (!item.IsScalar()) nested();
          raw.items->push_back(item.Scalar());
        }
        break;
      case YAML::NodeType::Map:
        nested();
    }
    out.push_back(std::move(raw));
  }
  return out;
}

}  // namespace cqlshift::config::detail
