#!/usr/bin/env bash
# What `leakwatch top` costs the process it watches: bench_live_server (a
# server keeping 500k blocks outstanding and replacing them at random) runs
# under `leakwatch run` alone and with `leakwatch top PID` refreshing every
# INTERVAL seconds, alternating, N times each. Prints the median throughput
# of each and the drop. Meaningful only on an otherwise idle machine.
#
#   bench/top_overhead.sh BUILD_DIR
# Environment: N=5, SECONDS_PER_RUN=10, LIVE=500000, INTERVAL=1
set -uo pipefail
build=$(cd "${1:?usage: top_overhead.sh BUILD_DIR}" && pwd)
N=${N:-5}; run_seconds=${SECONDS_PER_RUN:-10}; live=${LIVE:-500000}; interval=${INTERVAL:-1}
leakwatch=$build/bin/leakwatch
server=$build/bench/bench_live_server
out=$(mktemp -d "${TMPDIR:-/tmp}/leakwatch-top-bench-XXXXXX")

one_run() {  # with_top(0|1) -> prints steps/s
  local with_top=$1
  "$leakwatch" run -- "$server" "$run_seconds" "$live" >"$out/server.out" 2>"$out/server.err" &
  local runner=$!
  local pid=""
  for _ in $(seq 100); do
    pid=$(pgrep -P "$runner" -f bench_live_server | head -1)
    [ -n "$pid" ] && break
    sleep 0.05
  done
  local top=""
  if [ "$with_top" = 1 ] && [ -n "$pid" ]; then
    "$leakwatch" top "$pid" --interval "$interval" >/dev/null 2>&1 </dev/null &
    top=$!
  fi
  wait "$runner"
  [ -n "$top" ] && { kill "$top" 2>/dev/null; wait "$top" 2>/dev/null; }
  awk '{print $1}' "$out/server.out"
}

median() { sort -n | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }

for i in $(seq "$N"); do
  one_run 0 >>"$out/alone"
  one_run 1 >>"$out/with_top"
done
alone=$(median <"$out/alone"); watched=$(median <"$out/with_top")
echo "machine: $(nproc) cores, $(uname -r); live blocks $live, top every ${interval}s, $N runs of ${run_seconds}s each"
echo "alone:    median $alone steps/s  (all: $(tr '\n' ' ' <"$out/alone"))"
echo "with top: median $watched steps/s  (all: $(tr '\n' ' ' <"$out/with_top"))"
awk -v a="$alone" -v w="$watched" 'BEGIN {printf "throughput drop while top runs: %.1f%%\n", (a - w) / a * 100}'
rm -rf "$out"
