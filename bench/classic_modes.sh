#!/usr/bin/env bash
# Per-allocation cost of the optional outputs of the classic recipe: the
# churn workload (one malloc + one free per step) under leakwatch plain,
# with files=DIR (a file created and unlinked per block) and with
# mtrace_out=FILE (a line appended per malloc and per free). Prints the
# median extra nanoseconds per malloc+free pair over the plain run.
#
#   bench/classic_modes.sh BUILD_DIR [STEPS]      (N=5 repetitions)
set -euo pipefail
build=$(cd "${1:?usage: classic_modes.sh BUILD_DIR [STEPS]}" && pwd)
steps=${2:-200000}
N=${N:-5}
work=$(mktemp -d "${TMPDIR:-/tmp}/leakwatch-classic-XXXXXX")
trap 'rm -rf "$work"' EXIT
run() {  # options -> wall ns
  local t0 t1
  t0=$EPOCHREALTIME
  LD_PRELOAD=$build/lib/libleakwatch.so LEAKWATCH_OPTIONS="report_at_exit=0:$1" \
    "$build/bench/bench_churn" "$steps" >/dev/null
  t1=$EPOCHREALTIME
  echo $(( (${t1/./} - ${t0/./}) * 1000 ))
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
declare -A times
for rep in $(seq "$N"); do
  rm -rf "$work/files" "$work/log"
  times[plain]+="$(run '') "
  times[files]+="$(run "files=$work/files") "
  times[mtrace]+="$(run "mtrace_out=$work/log") "
done
plain=$(tr ' ' '\n' <<<"${times[plain]}" | grep . | median)
printf 'file system of the outputs: %s\n' "$(df --output=fstype "$work" | tail -1)"
printf '%-8s %12s %22s\n' mode "median ms" "extra ns/(malloc+free)"
for mode in plain files mtrace; do
  m=$(tr ' ' '\n' <<<"${times[$mode]}" | grep . | median)
  printf '%-8s %12d %22d\n' "$mode" $((m / 1000000)) $(((m - plain) / steps))
done
