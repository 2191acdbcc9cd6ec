// cqlshift: a zero-downtime migration proxy for Cassandra-compatible clusters.
// This issue brings the command line only; the proxy itself comes with later issues.

#include "cqlshift/protocol/version.hpp"

#include <CLI/CLI.hpp>

#include <iostream>
#include <string>

int main(int argc, char** argv) {
  CLI::App app{
      "cqlshift " CQLSHIFT_VERSION
      " - a CQL proxy that dual-writes to an Origin and a Target cluster and serves reads "
      "from the primary one, so an application moves between clusters with zero downtime."};
  app.set_version_flag("--version", std::string("cqlshift ") + CQLSHIFT_VERSION,
                       "Print the version and exit");
  std::string config_path;
  app.add_option("--config", config_path, "YAML config file (see config/cqlshift.yaml)")
      ->check(CLI::ExistingFile);
  app.footer(
      "Protocol versions understood: v2, v3, v4, v5, DSE_V1, DSE_V2.\n"
      "The proxy itself is not built yet: this binary only validates its command line.");
  CLI11_PARSE(app, argc, argv);

  if (config_path.empty()) {
    std::cerr << "cqlshift: --config FILE is required (see --help)\n";
    return 2;
  }
  std::cerr << "cqlshift: the proxy is not implemented in this build; nothing to run\n";
  return 1;
}
