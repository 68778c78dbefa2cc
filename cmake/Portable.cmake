# Link choices for the core's third-party libraries (ROUTER_CORE_DEPS) and, with ROUTER_PORTABLE,
# self-contained release binaries: their run-time dependencies are the C runtime only (libc, libm,
# libdl, libpthread, ld-linux), checked by test/package/needed.test.mjs.
#   SQLite        static, Debian's libsqlite3.a (position-independent on amd64 and arm64)
#   date/tz       static, tz.cpp from Debian's source package of the installed headers
#                 (scripts/debian-source.sh), USE_OS_TZDB=1: the tz database is read at run time
#                 from /usr/share/zoneinfo
#   fmt           header-only (FMT_HEADER_ONLY)
#   libcurl       loaded at run time (portable/curl_dlopen.cc); optional, only HTTP quota sources
#   libstdc++/gcc static (-static-libstdc++ -static-libgcc), their symbols kept private
option(ROUTER_PORTABLE "Self-contained addon and CLI for the npm package (release builds)" OFF)
set(ROUTER_DATE_TZ_SOURCE "" CACHE FILEPATH
  "date's src/tz.cpp matching the installed date headers (ROUTER_PORTABLE); see scripts/debian-source.sh")

if(NOT ROUTER_PORTABLE)
  set(ROUTER_CORE_DEPS fmt::fmt SQLite::SQLite3 date::date-tz CURL::libcurl)
  set(ROUTER_TEST_DEPS SQLite::SQLite3 fmt::fmt)
  function(router_portable_link target)
  endfunction()
  return()
endif()

# SQLite: the static archive next to the shared one.
get_filename_component(_router_sqlite_dir "${SQLite3_LIBRARY}" DIRECTORY)
find_library(ROUTER_SQLITE3_STATIC NAMES libsqlite3.a HINTS "${_router_sqlite_dir}" REQUIRED)
add_library(router_sqlite3_static STATIC IMPORTED)
set_target_properties(router_sqlite3_static PROPERTIES
  IMPORTED_LOCATION "${ROUTER_SQLITE3_STATIC}"
  INTERFACE_INCLUDE_DIRECTORIES "${SQLite3_INCLUDE_DIRS}"
  INTERFACE_LINK_LIBRARIES "m;${CMAKE_DL_LIBS};Threads::Threads")

# date/tz: built here, same definitions as Debian's libdate-tz (USE_OS_TZDB=1 + date::date's).
if(NOT ROUTER_DATE_TZ_SOURCE OR NOT EXISTS "${ROUTER_DATE_TZ_SOURCE}")
  message(FATAL_ERROR "ROUTER_PORTABLE needs -DROUTER_DATE_TZ_SOURCE=<date>/src/tz.cpp "
    "(scripts/debian-source.sh fetches Debian's source of the installed date headers)")
endif()
add_library(router_date_tz STATIC "${ROUTER_DATE_TZ_SOURCE}")
target_compile_definitions(router_date_tz PUBLIC USE_OS_TZDB=1)
target_link_libraries(router_date_tz PUBLIC date::date Threads::Threads)
set_target_properties(router_date_tz PROPERTIES POSITION_INDEPENDENT_CODE ON)
target_compile_options(router_date_tz PRIVATE -w)  # third-party source: not our warnings

# libcurl: headers only; the functions come from portable/curl_dlopen.cc.
add_library(router_curl_dlopen STATIC ${PROJECT_SOURCE_DIR}/portable/curl_dlopen.cc)
target_include_directories(router_curl_dlopen PUBLIC ${CURL_INCLUDE_DIRS})
target_link_libraries(router_curl_dlopen PUBLIC ${CMAKE_DL_LIBS})
set_target_properties(router_curl_dlopen PROPERTIES POSITION_INDEPENDENT_CODE ON)

set(ROUTER_CORE_DEPS fmt::fmt-header-only router_sqlite3_static router_date_tz router_curl_dlopen)
set(ROUTER_TEST_DEPS router_sqlite3_static fmt::fmt-header-only)

# For the shipped binaries: static C++ runtime; only needed libraries recorded; the static
# archives' symbols (libstdc++, SQLite, date) not exported from the .node, so they never
# interpose with Node's own copies.
function(router_portable_link target)
  target_link_options(${target} PRIVATE -static-libstdc++ -static-libgcc -Wl,--as-needed
    -Wl,--exclude-libs,ALL)
endfunction()
