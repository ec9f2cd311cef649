#!/usr/bin/env bash
# Whole-program overhead: each workload uninstrumented and under leakwatch,
# valgrind memcheck, heaptrack and LeakSanitizer, tools alternating within
# each repetition; prints median wall-time and peak-RSS ratios to the
# uninstrumented run, with min..max.
#
#   bench/whole_program.sh BUILD_DIR [TOOL...]     tools: leakwatch valgrind heaptrack lsan
# Workloads: churn threads cxx deep bigleak (bench/workloads/, built in
#   BUILD_DIR/bench) and the real programs sqlite python gawk clang-format
#   (Debian's binaries on inputs from bench/real_inputs.sh; LSan needs a
#   rebuild, so it has no column for them).
# Environment: N=5 repetitions, WORKLOADS="churn threads cxx deep bigleak",
#   SLOW_N=1 for valgrind/heaptrack, SIZE_<workload>=… to override a size.
set -uo pipefail
build=$(cd "${1:?usage: whole_program.sh BUILD_DIR [TOOL...]}" && pwd); shift
here=$(cd "$(dirname "$0")" && pwd)
tools=("$@"); [ ${#tools[@]} -gt 0 ] || tools=(leakwatch valgrind heaptrack lsan)
N=${N:-5}; SLOW_N=${SLOW_N:-1}
WORKLOADS=${WORKLOADS:-churn threads cxx deep bigleak}
out=$(mktemp -d "${TMPDIR:-/tmp}/leakwatch-bench-XXXXXX")
raw=$out/raw.tsv
leakwatch=$build/bin/leakwatch

size_of() {
  local var="SIZE_$1"; [ -n "${!var:-}" ] && { echo "${!var}"; return; }
  case $1 in churn) echo 28000000 ;; threads) echo 36000000 ;; cxx) echo 1600000 ;;
             deep) echo 7000000 ;; bigleak) echo 0 ;; esac
}
args_of() { if [ "$1" = threads ]; then echo "$(size_of threads) 4"; else size_of "$1"; fi; }
is_real() { case $1 in sqlite|python|gawk|clang-format) return 0 ;; *) return 1 ;; esac; }
inputs=$out/inputs
case " $WORKLOADS " in *" sqlite "*|*" python "*|*" gawk "*|*" clang-format "*)
  "$here/real_inputs.sh" "$inputs" ;;
esac
command_of() {  # workload -> the global array cmd
  case $1 in
    sqlite) cmd=(sqlite3 :memory: ".read $inputs/sales.sql") ;;
    python) cmd=(/usr/bin/python3 "$inputs/churn.py" "${SIZE_python:-600000}") ;;
    gawk) cmd=(gawk '{ for (i = 1; i <= NF; i++) n[$i]++ } END { k = 0; for (w in n) if (n[w] > 2) k++; print k }' "$inputs/words.txt") ;;
    clang-format) cmd=(clang-format "$inputs/crushed.cpp") ;;
    *) read -r -a cmd <<< "$1 $(args_of "$1")"; cmd[0]=$build/bench/bench_$1 ;;
  esac
}

# LeakSanitizer needs its own build of each workload.
if [[ " ${tools[*]} " == *" lsan "* ]]; then
  for w in $WORKLOADS; do
    is_real "$w" && continue
    src=$here/workloads/$w.c; cc=clang
    [ -f "$src" ] || { src=$here/workloads/$w.cpp; cc=clang++; }
    $cc -O2 -g -fsanitize=leak "$src" -o "$out/$w.lsan" -lpthread
  done
fi

measure() {  # workload tool rep cmd...
  local w=$1 tool=$2 rep=$3; shift 3
  local t0 t1 rss
  t0=$EPOCHREALTIME
  /usr/bin/time -f '%M' -o "$out/time" "$@" >/dev/null 2>"$out/$w.$tool.stderr"
  local rc=$?
  t1=$EPOCHREALTIME
  rss=$(tail -n1 "$out/time")
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$w" "$tool" "$rep" "$(echo "$t1 - $t0" | bc -l)" "$rss" "$rc" >> "$raw"
}

printf 'workload\ttool\trep\twall\trss\trc\n' > "$raw"
for w in $WORKLOADS; do
  command_of "$w"
  if ! command -v "${cmd[0]}" > /dev/null; then
    echo "skipping $w: ${cmd[0]} is not installed" >&2
    continue
  fi
  for rep in $(seq 1 "$N"); do
    measure "$w" base "$rep" "${cmd[@]}"
    for tool in "${tools[@]}"; do
      case $tool in
        valgrind|heaptrack) [ "$rep" -le "$SLOW_N" ] || continue ;;
      esac
      case $tool in
        leakwatch) measure "$w" leakwatch "$rep" "$leakwatch" run -- "${cmd[@]}" ;;
        valgrind) measure "$w" valgrind "$rep" valgrind --leak-check=full --log-file="$out/vg.log" "${cmd[@]}" ;;
        heaptrack) measure "$w" heaptrack "$rep" heaptrack -o "$out/ht.$w" "${cmd[@]}" ;;
        lsan) is_real "$w" || measure "$w" lsan "$rep" "$out/$w.lsan" "${cmd[@]:1}" ;;
      esac
    done
  done
done

python3 - "$raw" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter='\t'))
by = {}
for r in rows:
    by.setdefault((r['workload'], r['tool']), []).append(r)
print('| workload | tool | runs | median s | ratio | min..max | peak RSS ratio |')
print('|---|---|---|---|---|---|---|')
for (w, tool), rs in by.items():
    base = by[(w, 'base')]
    bw = statistics.median(float(r['wall']) for r in base)
    brss = statistics.median(float(r['rss']) for r in base)
    walls = [float(r['wall']) for r in rs]
    med = statistics.median(walls)
    rss = statistics.median(float(r['rss']) for r in rs)
    print(f"| {w} | {tool} | {len(rs)} | {med:.3f} | {med/bw:.2f}x | {min(walls)/bw:.2f}..{max(walls)/bw:.2f} | {rss/brss:.2f}x |")
PY
echo "raw results: $raw"
