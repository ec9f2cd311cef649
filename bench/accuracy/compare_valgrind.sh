#!/usr/bin/env bash
# leakwatch against Valgrind memcheck on the same runs: the reachability
# scenarios of the e2e suite and small workloads of real programs. For each,
# prints both tools' bytes/blocks per leak class and every allocation site
# whose numbers differ (compare_valgrind.py does the work; see its --help).
#
#   bench/accuracy/compare_valgrind.sh BUILD_DIR [WORKLOAD...]
# Workloads: e2e sqlite-memory sqlite-file sqlite-exit python python-pymalloc git
#   (default: all).
# Environment: OUT=DIR keeps every report there (default: a new temp dir);
#   CC/CXX build the e2e cases (default cc/c++); DEPTH=N program frames per
#   site (default 2).
# Exit status: 1 when some run differs in its definite or indirect sites.
set -uo pipefail
build=$(cd "${1:?usage: compare_valgrind.sh BUILD_DIR [WORKLOAD...]}" && pwd); shift
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
workloads=("$@"); [ ${#workloads[@]} -gt 0 ] || workloads=(e2e sqlite-memory sqlite-file sqlite-exit python python-pymalloc git)
out=${OUT:-$(mktemp -d "${TMPDIR:-/tmp}/leakwatch-accuracy-XXXXXX")}
mkdir -p "$out"
out=$(cd "$out" && pwd)
compare=("${PYTHON:-python3}" "$here/compare_valgrind.py" --leakwatch "$build/bin/leakwatch"
         --depth "${DEPTH:-2}" --fail-on definite,indirect -v)
status=0

run() {  # NAME ARGS... : one comparison, its reports in $out/NAME
  local name=$1; shift
  mkdir -p "$out/$name"
  "${compare[@]}" --name "$name" --out "$out/$name" --json "$out/$name.json" "$@"
  local rc=$?
  [ $rc -eq 0 ] || status=1
  [ $rc -le 1 ] || echo "($name: the comparison itself failed, exit $rc)"
  echo
}

for w in "${workloads[@]}"; do
  case $w in
    e2e)
      for c in "$src"/tests/e2e/cases/reach_*.c "$src"/tests/e2e/cases/reach_*.cpp; do
        name=${c##*/}
        run "${name%.*}" --cc "${CC:-cc}" --cxx "${CXX:-c++}" --e2e-case "$c"
      done ;;
    sqlite-memory|sqlite-file|sqlite-exit)
      command -v sqlite3 > /dev/null || { echo "skipping $w: sqlite3 is not installed"; continue; }
      mkdir -p "$out/$w"
      cp "$here/workload.sql" "$out/$w/workload.sql"
      if [ "$w" = sqlite-memory ]; then
        run "$w" -- sqlite3 :memory: ".read workload.sql"
      elif [ "$w" = sqlite-exit ]; then  # `.exit 3` calls exit(3) with the database open
        run "$w" -- sqlite3 :memory: ".read workload.sql" ".exit 3"
      else
        run "$w" --setup "rm -f workload.db workload.db-journal" -- sqlite3 workload.db ".read workload.sql"
      fi ;;
    python|python-pymalloc)
      # obmalloc keeps small objects in its own mmap'd arenas, which are not
      # blocks to either tool; Valgrind scans them as roots (every writable
      # mapping is), leakwatch does not (as LeakSanitizer). PYTHONMALLOC=malloc
      # makes every object a malloc block; python-pymalloc shows the other case.
      # (Not -I or -E: they make python ignore PYTHONMALLOC.)
      [ -x /usr/bin/python3 ] || { echo "skipping $w: /usr/bin/python3 is not installed"; continue; }
      mkdir -p "$out/$w"
      cp "$here/workload.py" "$out/$w/workload.py"
      pyenv=(--env PYTHONDONTWRITEBYTECODE=1 --env PYTHONHASHSEED=0)
      [ "$w" = python ] && pyenv+=(--env PYTHONMALLOC=malloc)
      run "$w" "${pyenv[@]}" -- /usr/bin/python3 -s workload.py ;;
    git)
      command -v git > /dev/null || { echo "skipping git: git is not installed"; continue; }
      # One comparison per command; --setup brings a fresh repository to the
      # state the command starts from, so both tools see the same input.
      mkdir -p "$out/git-home"
      genv=(--env "HOME=$out/git-home" --env GIT_CONFIG_NOSYSTEM=1 --env GIT_PAGER=cat --env PAGER=cat
            --env GIT_AUTHOR_NAME=Ada --env GIT_AUTHOR_EMAIL=ada@example.org
            --env GIT_COMMITTER_NAME=Ada --env GIT_COMMITTER_EMAIL=ada@example.org
            --env "GIT_AUTHOR_DATE=2024-01-01T00:00:00Z" --env "GIT_COMMITTER_DATE=2024-01-01T00:00:00Z")
      files='for i in $(seq 1 40); do printf "line %s of file %s\n" $(seq 1 50) > f$i.txt; done; mkdir -p sub; cp f1.txt sub/g.txt'
      init='rm -rf .git f*.txt sub && git init -q -b main .'
      run git-init "${genv[@]}" --setup "rm -rf .git f*.txt sub" -- git init -q -b main .
      run git-add "${genv[@]}" --setup "$init && $files" -- git add .
      run git-commit "${genv[@]}" --setup "$init && $files && git add ." -- git commit -q -m first
      run git-log "${genv[@]}" --setup "$init && $files && git add . && git commit -q -m first && echo more >> f2.txt && git commit -q -am second" \
        -- git log --stat --no-color ;;
    *) echo "unknown workload $w (e2e sqlite-memory sqlite-file sqlite-exit python python-pymalloc git)" >&2; exit 2 ;;
  esac
done
echo "reports: $out"
exit $status
