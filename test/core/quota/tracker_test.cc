#include <catch2/catch.hpp>

#include "router/quota/tracker.h"
