#!/usr/bin/env bash
# Times `leakwatch mtrace` on a generated MALLOC_TRACE log (default 1 GiB):
# prints the median wall time, CPU time (user + system) and peak RSS of N runs.
# The log is read from the page cache after the first run; the generator's
# pool of live blocks is fixed, so peak RSS should not grow with SIZE_MB.
#
#   bench/mtrace/mtrace_bench.sh BUILD_DIR [SIZE_MB]
# Environment: N=3 runs, LOG=path of the generated log (kept between runs
#   of the script when it exists with the right size), CC=C compiler.
set -euo pipefail
build=$(cd "${1:?usage: mtrace_bench.sh BUILD_DIR [SIZE_MB]}" && pwd)
size_mb=${2:-1024}
N=${N:-3}
here=$(cd "$(dirname "$0")" && pwd)
work=${TMPDIR:-/tmp}/leakwatch-mtrace-bench
mkdir -p "$work"
log=${LOG:-$work/log-${size_mb}m.txt}
generator=$work/mtrace_log_gen
"${CC:-cc}" -O2 -o "$generator" "$here/mtrace_log_gen.c"
if [ ! -s "$log" ]; then
  echo "generating $log ($size_mb MiB)" >&2
  "$generator" "$log" "$size_mb" "$generator"
fi
echo "log: $(stat -c %s "$log") bytes, $(wc -l < "$log") lines" >&2
times=$work/times.txt
: > "$times"
for run in $(seq "$N"); do
  # Exit status 1 is expected: the log leaves blocks unfreed.
  /usr/bin/time -f "%e %U %S %M" -o "$work/time.$run" \
    "$build/bin/leakwatch" mtrace "$log" > /dev/null 2> "$work/report.$run" || true
  read -r wall user sys rss < "$work/time.$run"
  cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN {printf "%.2f", u + s}')
  echo "run $run: wall ${wall}s cpu ${cpu}s (user $user sys $sys) peak RSS ${rss} KiB" >&2
  echo "$wall $cpu $rss" >> "$times"
done
median() { sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
echo "median of $N: wall $(cut -d' ' -f1 "$times" | median)s," \
  "cpu $(cut -d' ' -f2 "$times" | median)s," \
  "peak RSS $(cut -d' ' -f3 "$times" | median) KiB"
