#!/usr/bin/env bash
# The generated bash completion: subcommands, flags from the option table,
# flag values, files, directories, PIDs, and the program after `run`.
#
# usage: bash_completion_test.sh COMPLETION_SCRIPT OPTIONS_INC
set -u
script=$1
options_inc=$2
failures=0

# shellcheck source=/dev/null
source "$script" || { echo "cannot source $script"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
mkdir out-dir && touch a.snap b.snap state.lwstate

# complete WORD... : the completions of the last word, sorted, one line.
complete_line() {
  COMP_WORDS=("$@")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMP_LINE="$*"
  COMPREPLY=()
  _leakwatch
  printf '%s\n' "${COMPREPLY[@]}" | sort -u | tr '\n' ' ' | sed 's/ $//'
}

expect() {  # expect DESCRIPTION "EXPECTED" WORD...
  local what=$1 expected=$2
  shift 2
  local got
  got=$(complete_line "$@")
  if [[ $got != "$expected" ]]; then
    echo "FAIL: $what: 'leakwatch ${*:2}' completes to '$got', expected '$expected'"
    failures=$((failures + 1))
  fi
}

expect_contains() {  # expect_contains DESCRIPTION WORD-EXPECTED WORD...
  local what=$1 wanted=$2
  shift 2
  local got
  got=" $(complete_line "$@") "
  if [[ $got != *" $wanted "* ]]; then
    echo "FAIL: $what: 'leakwatch ${*:2}' completes to '$got', without '$wanted'"
    failures=$((failures + 1))
  fi
}

expect "subcommands" "check diff mtrace report run snapshot top" leakwatch ""
expect "subcommand prefix" "report run" leakwatch r
expect "flag prefix" "--format" leakwatch run --form
expect "formats" "html json sarif text valgrind-xml" leakwatch run --format ""
expect "format list item" "json,sarif" leakwatch run --format json,s
expect "sort keys" "growth" leakwatch top --sort g
expect "directories" "out-dir" leakwatch report --output-dir o
expect "files" "a.snap" leakwatch diff a
expect "second argument" "b.snap" leakwatch diff a.snap b
expect "flag value skipped" "state.lwstate" leakwatch report --max-frames-shown 3 st
expect "no completion for a number" "" leakwatch run --stack-depth ""
expect_contains "PIDs" "$$" leakwatch top ""
expect_contains "PIDs after a flag" "$$" leakwatch snapshot -o x.snap ""
expect_contains "PIDs for check" "$$" leakwatch check --timeout 5 ""
expect_contains "the program after run" "bash" leakwatch run --stack-depth 4 bas
expect_contains "the program after --" "bash" leakwatch run -- bas
expect_contains "global flags" "--version" leakwatch --v

# Every option of the table is a flag of `run`.
run_flags=" $(complete_line leakwatch run --) "
while read -r kind name; do
  flag="--${name//_/-}"
  [[ $run_flags == *" $flag "* ]] || { echo "FAIL: run does not complete $flag"; failures=$((failures + 1)); }
  if [[ $kind == bool && $run_flags != *" --no-${name//_/-} "* ]]; then
    echo "FAIL: run does not complete --no-${name//_/-}"
    failures=$((failures + 1))
  fi
done < <(sed -n 's/^OPTION(\([a-z]*\), *\([a-z_]*\),.*/\1 \2/p' "$options_inc")

if ((failures)); then
  echo "$failures completion check(s) failed"
  exit 1
fi
echo "bash completion: all checks passed"
