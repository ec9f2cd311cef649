#!/usr/bin/env bash
# The reachability scans at server size: `leakwatch check` on a running
# process (the pause it causes, and the time to a classified heap), then the
# exit-time scan, on bench/workloads/live_heap.c (default 1M blocks of
# 1 KiB = 1 GiB live, 2 threads churning meanwhile). A benchmark, not a test.
# After the checks it prints the median and min-max of the pause and of its
# parts, and the load average before and after (the pause is mostly fork's
# page-table copy, which a busy machine stretches).
# HUGE_PAGES=1 runs the workload with `leakwatch run --huge-pages`; DIRTY=1
# makes it rewrite every block between checks (see live_heap.c).
#
#   bench/live_check.sh BUILD_DIR        environment: N=5 checks, BLOCKS, SIZE, THREADS,
#                                        HUGE_PAGES=0, DIRTY=0
set -uo pipefail
build=$(cd "${1:?usage: live_check.sh BUILD_DIR}" && pwd)
N=${N:-5}; BLOCKS=${BLOCKS:-1000000}; SIZE=${SIZE:-1024}; THREADS=${THREADS:-2}
HUGE_PAGES=${HUGE_PAGES:-0}; DIRTY=${DIRTY:-0}
leakwatch=$build/bin/leakwatch
workload=$build/bench/bench_live_heap
[ -x "$workload" ] || { echo "build bench_live_heap first (cmake --build $build --target bench_live_heap)" >&2; exit 1; }
out=$(mktemp -d "${TMPDIR:-/tmp}/leakwatch-live-XXXXXX")
run_flags=(--keep-session --output "$out/exit-report.txt")
[ "$HUGE_PAGES" = 1 ] && run_flags+=(--huge-pages)
"$leakwatch" run "${run_flags[@]}" -- \
  "$workload" "$out/ready" "$out/go" "$BLOCKS" "$SIZE" "$THREADS" "$DIRTY" 2> "$out/run.stderr" &
run_pid=$!
for _ in $(seq 1200); do [ -s "$out/ready" ] && break; sleep 0.1; done
pid=$(cat "$out/ready") || { echo "the workload did not start" >&2; exit 1; }
echo "live_heap: $BLOCKS blocks x $SIZE bytes, $THREADS churning threads, huge pages $HUGE_PAGES, dirty $DIRTY, pid $pid"
grep -E '^(Rss|AnonHugePages):' "/proc/$pid/smaps_rollup" | tr -s ' ' | paste -sd' '
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for i in $(seq "$N"); do
  "$leakwatch" check "$pid" --output "$out/check$i.txt" 2> "$out/check$i.stderr"
  grep -o 'checked process.*' "$out/check$i.stderr" | tee -a "$out/pauses.txt"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$out/pauses.txt" <<'PY'
import re, statistics, sys
parts = {"pause": r"paused for ([0-9.]+) ms", "stop": r"thread\(s\) ([0-9.]+) ms",
         "copy": r"record\(s\) ([0-9.]+) ms", "fork": r"fork ([0-9.]+) ms",
         "resume": r"resuming ([0-9.]+) ms"}
lines = open(sys.argv[1]).read().splitlines()
for name, pattern in parts.items():
    values = [float(m.group(1)) for m in (re.search(pattern, l) for l in lines) if m]
    if values:
        print(f"{name:>6}: median {statistics.median(values):7.1f} ms, "
              f"min-max {min(values):.1f}-{max(values):.1f} ms ({len(values)} checks)")
PY
touch "$out/go"
wait "$run_pid"
scan=$(ls "$(grep -o '/[^ ]*leakwatch-[A-Za-z0-9]*' "$out/run.stderr" | head -1)"/*.lwscan 2>/dev/null | head -1)
if [ -n "$scan" ]; then
  python3 - "$scan" <<'PY'
import struct, sys
data = open(sys.argv[1], 'rb').read(200)
duration_ns, scanned = struct.unpack_from('<QQ', data, 104)
print(f"exit-time scan: {duration_ns / 1e6:.1f} ms, {scanned / 2**20:.0f} MiB scanned")
PY
else
  echo "exit-time scan: no .lwscan file found (see $out/run.stderr)"
fi
echo "(files in $out)"
