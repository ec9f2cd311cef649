// --output-dir DIR with several formats writes DIR/report.txt,
// report.json, report.sarif (and report.xml) at once; an unwritable --output
// gives a clear error, the report on stderr instead, and exit 1.
//
// RUN: %cc -g -O0 %s -o %t
// RUN: %leakwatch run --format text,json,sarif,valgrind-xml --output-dir %T/out-%p -- %t 2> %T/stderr.txt
// RUN: %check --prefix=QUIET --input %T/stderr.txt
// RUN: d=$(ls -d %T/out-*) && ls $d | sort | tr '\n' ' ' | %check --prefix=FILES
// RUN: d=$(ls -d %T/out-*) && %check --input $d/report.txt
// RUN: d=$(ls -d %T/out-*) && %check-json $d/report.json
// RUN: d=$(ls -d %T/out-*) && %python %S/../inputs/sarif_check.py $d/report.sarif --results 1
// RUN: d=$(ls -d %T/out-*) && %python -c "import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])" $d/report.xml
// Several formats without --output-dir: a warning, and the first format.
// RUN: %leakwatch run --format json,text -- %t 2>&1 | %check --prefix=NODIR
// Unwritable output: the error, then the report on stderr, exit 1.
// RUN: expect_exit 1 %leakwatch run --output /nonexistent-dir/r.txt -- %t 2>&1 | %check --prefix=UNWRITABLE
// RUN: expect_exit 1 %leakwatch run --format json --output /nonexistent-dir/r.json -- %t 2> %T/json-stderr.txt
// RUN: %check-json %T/json-stderr.txt
// RUN: expect_exit 1 %leakwatch run --format text,json --output-dir /proc/nonexistent -- %t 2>&1 | %check --prefix=BADDIR

#include <stdlib.h>

__attribute__((noinline)) void *make_buffer(void) {
  return malloc(40);  // @leak
}

int main(void) {
  make_buffer();
  return 0;
}

// QUIET-NOT: {{.}}

// FILES: report.json report.sarif report.txt report.xml

// CHECK: {{(Direct l|Indirect l|Possible l|L)}}eak of 40 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in make_buffer {{.*}}report_output_dir.c:[[@leak]]

// JSON-SUMMARY: leaked_bytes=40 leaked_blocks=1
// JSON-LEAK: bytes=40 blocks=1 frames=make_buffer@report_output_dir.c:[[@leak]]

// NODIR: leakwatch: warning: option format: several formats need output_dir; using json
// NODIR: "leaked_bytes": 40

// UNWRITABLE: leakwatch: error: cannot write the report to /nonexistent-dir/r.txt: No such file or directory; writing it to stderr
// UNWRITABLE-NEXT: leakwatch: process {{[0-9]+}}
// UNWRITABLE: {{(Direct l|Indirect l|Possible l|L)}}eak of 40 byte(s) in 1 object(s)
// UNWRITABLE: SUMMARY: leakwatch: 40 byte(s) leaked
// UNWRITABLE: leakwatch: error: the report could not be written to /nonexistent-dir/r.txt (it went to stderr)

// BADDIR: leakwatch: error: cannot create the report directory /proc/nonexistent: {{.*}}
// BADDIR: leakwatch: error: cannot write the report to /proc/nonexistent/report.txt: {{.*}}; writing it to stderr
// BADDIR: {{(Direct l|Indirect l|Possible l|L)}}eak of 40 byte(s)
// BADDIR: cannot write the report to /proc/nonexistent/report.json
// BADDIR: "leaked_bytes": 40
// BADDIR: leakwatch: error: the report could not be written to /proc/nonexistent/report.txt, /proc/nonexistent/report.json (it went to stderr)
