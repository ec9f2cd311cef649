#!/usr/bin/env bash
# Quick start: install dependencies, build leakwatch, and run it on the
# bundled example that leaks.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j"$(nproc)"
echo
echo "== leakwatch run -- build/bin/leakwatch_example_leaky =="
build/bin/leakwatch run -- build/bin/leakwatch_example_leaky || true
