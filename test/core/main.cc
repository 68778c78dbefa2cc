// The one translation unit that holds Catch2's main(); every *_test.cc links into
// router_core_tests.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
