#!/usr/bin/env bash
# Installs what leakwatch needs to build and test on Debian 12 (as root, or
# through sudo).
set -euo pipefail
packages=(
  build-essential cmake pkg-config clang python3 python3-jsonschema valgrind strace
  libc-dev-bin
  libdw-dev libelf-dev libunwind-dev
  libcli11-dev nlohmann-json3-dev libfmt-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  chromium groff-base
  libjemalloc-dev libtcmalloc-minimal4
)
sudo=""
[ "$(id -u)" = 0 ] || sudo=sudo
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${packages[@]}"
