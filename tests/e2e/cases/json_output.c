// --format json --output FILE: the report goes to FILE, with %p replaced by
// the target's PID; the program's own stdout and stderr are untouched and
// carry no report.
//
// RUN: %cc -g -O0 %s -o %t
// RUN: %leakwatch run --format json --output %T/r-%p.json -- %t > %T/stdout.txt 2> %T/stderr.txt
// RUN: %check --prefix=STDOUT < %T/stdout.txt
// RUN: test "$(wc -l < %T/stdout.txt)" -eq 3
// RUN: %check --prefix=STDERR < %T/stderr.txt
// RUN: files=$(ls %T | grep '^r-.*\.json$'); echo "report files:" $files; test $(echo "$files" | grep -c .) -eq 1
// RUN: pid=$(sed -n 's/^pid=//p' %T/stdout.txt) && test -s %T/r-$pid.json
// RUN: pid=$(sed -n 's/^pid=//p' %T/stdout.txt) && %check-json %T/r-$pid.json
// RUN: pid=$(sed -n 's/^pid=//p' %T/stdout.txt) && %python -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(d['process']['pid'] != int(sys.argv[2]))" %T/r-$pid.json $pid
// The same through LEAKWATCH_OPTIONS:
// RUN: rm -f %T/r-*.json
// RUN: env LD_PRELOAD=%libleakwatch LEAKWATCH_OPTIONS=format=json:output=%T/r-%p.json %t > %T/stdout2.txt 2> %T/stderr2.txt
// RUN: %check --prefix=STDOUT < %T/stdout2.txt
// RUN: %check --prefix=STDERR < %T/stderr2.txt
// RUN: pid=$(sed -n 's/^pid=//p' %T/stdout2.txt) && %check-json %T/r-$pid.json

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

__attribute__((noinline)) static char *make_name(void) {
  return malloc(48);  // @leak
}

int main(void) {
  char *name = make_name();  // @call
  snprintf(name, 48, "leaky");
  printf("pid=%d\n", (int)getpid());
  printf("name=%s\n", name);
  fprintf(stderr, "a line on stderr from the program\n");
  printf("done\n");
  return 0;
}

// STDOUT: pid={{[0-9]+}}
// STDOUT-NEXT: name=leaky
// STDOUT-NEXT: done
// STDOUT-NOT: {{.}}

// STDERR-NOT: {{[Ll]eak of|"leaks"|SUMMARY}}
// STDERR: a line on stderr from the program
// STDERR-NOT: {{[Ll]eak of|"leaks"|SUMMARY}}

// JSON-FIELD: version=2 process.exit_status=0
// JSON-SUMMARY: leaked_bytes=48 leaked_blocks=1
// JSON-LEAK: bytes=48 blocks=1 kinds=malloc frames=make_name@json_output.c:[[@leak]],main@json_output.c:[[@call]]
