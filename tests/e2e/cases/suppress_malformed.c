// A malformed or missing suppression file: one error line naming file:line
// and what was expected, exit 1, and the program is not run.
//
// RUN: %cc -g -O0 %s -o %t
// RUN: printf 'leak:fine\nsuppress_me\n' > %T/bad_line.supp
// RUN: expect_exit 1 %leakwatch run --suppressions %T/bad_line.supp -- %t 2>&1 | %check --prefix=LINE
// RUN: printf '{\n   name\n   Memcheck:Leak\n   fun:f\n' > %T/unclosed.supp
// RUN: expect_exit 1 %leakwatch run --suppressions %T/unclosed.supp -- %t 2>&1 | %check --prefix=UNCLOSED
// RUN: printf '{\n   name\n   Memcheck:Leak\n   match-leak-kinds: lost\n   fun:f\n}\n' > %T/kinds.supp
// RUN: expect_exit 1 %leakwatch run --suppressions %T/kinds.supp -- %t 2>&1 | %check --prefix=KINDS
// RUN: expect_exit 1 %leakwatch run --suppressions %T/missing.supp -- %t 2>&1 | %check --prefix=MISSING
// The runtime's `leakwatch report` reads it from LEAKWATCH_OPTIONS; the file is checked first:
// RUN: expect_exit 1 env LEAKWATCH_REPORT_FROM_RUNTIME=1 LEAKWATCH_OPTIONS=suppressions=%T/bad_line.supp %leakwatch report /nonexistent.lwstate 2>&1 | %check --prefix=LINE

#include <stdio.h>

int main(void) {
  puts("the program ran");
  return 0;
}

// LINE-NOT: the program ran
// LINE: leakwatch: error: {{.*}}bad_line.supp:2: expected 'leak:PATTERN', or '{' on its own line opening a Valgrind suppression; got 'suppress_me'
// LINE-NOT: {{.}}

// UNCLOSED: leakwatch: error: {{.*}}unclosed.supp:4: expected '}' closing the suppression opened at line 1

// KINDS: leakwatch: error: {{.*}}kinds.supp:4: expected leak kinds among definite, indirect, possible, reachable, all, none; got 'lost'

// MISSING: leakwatch: error: cannot read the suppression file {{.*}}missing.supp: No such file or directory
