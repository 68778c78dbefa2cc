# Cross toolchain for linux-arm64 prebuilds (scripts/cross-arm64.sh): Debian's
# g++-aarch64-linux-gnu, whose own sysroot (/usr/aarch64-linux-gnu) holds glibc and libstdc++.a.
# Only ROUTER_PORTABLE builds are supported: the core then needs arm64 code for SQLite alone
# (libsqlite3.a from Debian's libsqlite3-dev:arm64, unpacked by the script); fmt, nlohmann/json,
# date (tz.cpp compiled from source), Catch2 and the libcurl headers are architecture-independent
# for two LP64 Linux targets and come from the host's /usr/include.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64 -L /usr/aarch64-linux-gnu)
# Host config packages (headers, interface targets) may be found; libraries never from the host.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
