#!/usr/bin/env bash
# Prints the path of date's src/tz.cpp from Debian's source package of the installed
# libhowardhinnant-date-dev (same version as the headers, Debian's patches applied), fetching it
# once into .cache/debian-src/ with apt-get source. Debian ships no static libdate-tz, so the
# portable build compiles this file into the core (cmake/Portable.cmake). No root needed: apt's
# deb-src index for it lives in .cache/ too.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE="$ROOT/.cache/debian-src"
version=$(dpkg-query -W -f='${source:Version}' libhowardhinnant-date-dev)
dir="$CACHE/howardhinnant-date-${version%%-*}"
if [ ! -f "$dir/src/tz.cpp" ]; then
  mkdir -p "$CACHE/lists/partial"
  . /etc/os-release
  echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian $VERSION_CODENAME main" >"$CACHE/sources.list"
  apt_opts=(-o "Dir::Etc::SourceList=$CACHE/sources.list" -o Dir::Etc::SourceParts=/dev/null
    -o "Dir::State::Lists=$CACHE/lists" -o Debug::NoLocking=1 -o APT::Sandbox::User=root -qq)
  apt-get "${apt_opts[@]}" update >&2
  (cd "$CACHE" && apt-get "${apt_opts[@]}" source "howardhinnant-date=$version" >&2)
fi
[ -f "$dir/src/tz.cpp" ] || { echo "debian-source: $dir/src/tz.cpp missing" >&2; exit 1; }
echo "$dir/src/tz.cpp"
