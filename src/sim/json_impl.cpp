// Boost.JSON compiled once for cqlsim (admin API, JSON helpers); other files include
// <boost/json.hpp> only.
#include <boost/json/src.hpp>
