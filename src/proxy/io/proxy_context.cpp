#include "proxy_context.hpp"

namespace cqlshift::proxy {
namespace {

cluster cluster_of(config::cluster_name c) noexcept {
  return c == config::cluster_name::origin ? cluster::origin : cluster::target;
}

}  // namespace

cluster proxy_context::primary() const noexcept {
  return cluster_of(settings.primary_cluster);
}

cluster proxy_context::system_queries() const noexcept {
  return cluster_of(settings.system_queries_mode);
}

}  // namespace cqlshift::proxy
