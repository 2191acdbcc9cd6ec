// Passwords never appear in an error message, whatever the mistake around them.

#include "config_test_support.hpp"

namespace cqlshift::config::test {
namespace {

using secrets = config_test;

constexpr const char* password = "s3cr3t-Pa55";

TEST_F(secrets, a_list_given_as_password_is_hidden) {
  const std::string message =
      yaml_error(minimal_yaml + "origin_password: [" + std::string(password) + "]\n");
  EXPECT_NE(message, "");
  EXPECT_EQ(message.find(password), std::string::npos) << message;
  EXPECT_NE(message.find("got (hidden)"), std::string::npos) << message;
}

TEST_F(secrets, a_misspelt_password_key_shows_only_the_key) {
  const std::string message = override_error({{"target_pasword", password}});
  EXPECT_EQ(message,
            "config: unknown key 'target_pasword', did you mean 'target_password'? (from the "
            "command line)");
}

TEST_F(secrets, a_nested_password_map_does_not_show_it) {
  const std::string message =
      yaml_error(minimal_yaml + "origin_password:\n  value: " + std::string(password) + "\n");
  EXPECT_NE(message, "");
  EXPECT_EQ(message.find(password), std::string::npos) << message;
}

TEST_F(secrets, an_error_elsewhere_does_not_show_passwords) {
  const std::string message = override_error(
      {{"origin_password", password}, {"target_password", password}, {"proxy_listen_port", "abc"}});
  EXPECT_NE(message, "");
  EXPECT_EQ(message.find(password), std::string::npos) << message;
}

TEST_F(secrets, a_yaml_syntax_error_after_a_password_does_not_show_it) {
  const std::string message =
      yaml_error("origin_password: " + std::string(password) + "\norigin_port: [1, 2\n");
  EXPECT_NE(message, "");
  EXPECT_EQ(message.find(password), std::string::npos) << message;
}

TEST_F(secrets, a_password_in_the_environment_with_a_bad_neighbour) {
  try {
    load(std::nullopt, {{"ZDM_ORIGIN_PASSWORD", password}, {"ZDM_ORIGIN_PORT", "x"}});
    FAIL();
  } catch (const config_error& e) {
    EXPECT_EQ(std::string(e.what()).find(password), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace cqlshift::config::test
