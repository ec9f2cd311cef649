// --format sarif: a SARIF 2.1.0 log with one result per leak site, located
// at the allocating line, the whole stack as a thread flow. Checked for the
// properties the spec requires, and against the OASIS schema when the
// validator is installed (tests/e2e/inputs/sarif_check.py says which ran).
//
// RUN: %cc -g -O0 %s -o %t
// RUN: %leakwatch run --format sarif --output %t.sarif -- %t
// RUN: %python %S/../inputs/sarif_check.py %t.sarif --results 2
// RUN: %check --input %t.sarif

#include <stdlib.h>

__attribute__((noinline)) void *make_table(void) {
  return malloc(64);  // @table
}

__attribute__((noinline)) void *make_name(void) {
  return malloc(16);  // @name
}

int main(void) {
  make_table();  // @table_call
  make_name();
  return 0;
}

// CHECK: "version": "2.1.0"
// CHECK: "name": "leakwatch"
// CHECK: "ruleId": "leakwatch.leak.
// CHECK: "text": "64 byte(s) leaked in 1 object(s), allocated from make_table."
// CHECK: "uri": "file:///{{.*}}/report_sarif.c"
// CHECK-NEXT: },
// CHECK-NEXT: "region": {
// CHECK-NEXT: "startLine": [[@table]]
// CHECK: "codeFlows"
// CHECK: "text": "#1 main {{.*}}report_sarif.c:[[@table_call]]"
// CHECK: "text": "16 byte(s) leaked in 1 object(s), allocated from make_name."
