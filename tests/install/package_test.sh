#!/usr/bin/env bash
# Installs the build tree into a temporary prefix with `cmake --install`, then
# builds and runs two consumers against it: a CMake project using
# find_package(leakwatch) (leakwatch::header, leakwatch::runtime) and a
# plain compiler command using pkg-config.
#
# usage: package_test.sh CMAKE BUILD_DIR CONSUMER_SOURCE_DIR C_COMPILER
set -euo pipefail
cmake=$1
build=$2
consumer=$3
cc=$4

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix

fail() { echo "FAIL: $*" >&2; exit 1; }

"$cmake" --install "$build" --prefix "$prefix" > "$work/install.log" || { cat "$work/install.log"; fail "cmake --install"; }

libdir=$(cd "$prefix" && dirname "$(find . -name libleakwatch.so -print -quit)")
libdir=${libdir#./}
[ -n "$libdir" ] || fail "no libleakwatch.so installed"
for file in bin/leakwatch include/leakwatch/leakwatch.h share/man/man1/leakwatch.1 \
            share/bash-completion/completions/leakwatch "$libdir/cmake/leakwatch/leakwatchConfig.cmake" \
            "$libdir/cmake/leakwatch/leakwatchConfigVersion.cmake" "$libdir/pkgconfig/leakwatch.pc"; do
  [ -e "$prefix/$file" ] || fail "$file is not installed (prefix: $(cd "$prefix" && find . -type f | sort | tr '\n' ' '))"
done

expect_output() {  # expect_output EXPECTED COMMAND...
  local expected=$1 got
  shift
  got=$(LEAKWATCH_OPTIONS=report_at_exit=false "$@") || fail "$* exited with $?"
  [ "$got" = "$expected" ] || fail "$* printed '$got', expected '$expected'"
}

# find_package(leakwatch)
"$cmake" -S "$consumer" -B "$work/cmake-build" -DCMAKE_C_COMPILER="$cc" \
  -DCMAKE_PREFIX_PATH="$prefix" > "$work/configure.log" 2>&1 || { cat "$work/configure.log"; fail "configuring the find_package consumer"; }
"$cmake" --build "$work/cmake-build" > "$work/build.log" 2>&1 || { cat "$work/build.log"; fail "building the find_package consumer"; }
expect_output "active=0 counters=-1" "$work/cmake-build/uses_header"
expect_output "active=1 counters=0" "$work/cmake-build/uses_runtime"
[ "$(cat "$work/cmake-build/leakwatch_executable.txt")" = "$prefix/bin/leakwatch" ] ||
  fail "LEAKWATCH_EXECUTABLE is $(cat "$work/cmake-build/leakwatch_executable.txt")"

# A version the package cannot satisfy is refused.
mkdir -p "$work/too-new"
printf 'cmake_minimum_required(VERSION 3.16)\nproject(p NONE)\nfind_package(leakwatch 99 REQUIRED)\n' > "$work/too-new/CMakeLists.txt"
if "$cmake" -S "$work/too-new" -B "$work/too-new/build" -DCMAKE_PREFIX_PATH="$prefix" > /dev/null 2>&1; then
  fail "find_package(leakwatch 99) succeeded"
fi

# pkg-config, from wherever the prefix was moved to (the .pc is relocatable).
mv "$prefix" "$work/moved"
prefix=$work/moved
export PKG_CONFIG_PATH=$prefix/$libdir/pkgconfig
pkg-config --exists --print-errors leakwatch || fail "pkg-config does not find leakwatch"
[ "$(pkg-config --modversion leakwatch)" = "$(sed -n 's/^Version: //p' "$PKG_CONFIG_PATH/leakwatch.pc")" ] || fail "modversion"
# shellcheck disable=SC2046
"$cc" "$consumer/consumer.c" $(pkg-config --cflags leakwatch) -o "$work/pc_header" || fail "compiling with --cflags"
# shellcheck disable=SC2046
"$cc" "$consumer/consumer.c" $(pkg-config --cflags --libs leakwatch) \
  -Wl,-rpath,"$(pkg-config --variable=libdir leakwatch)" -o "$work/pc_runtime" || fail "linking with --libs"
expect_output "active=0 counters=-1" "$work/pc_header"
expect_output "active=1 counters=0" "$work/pc_runtime"
echo "package: cmake --install, find_package and pkg-config consumers all work"
