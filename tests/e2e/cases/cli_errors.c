// How `leakwatch` fails: command not found (127), not executable (126),
// statically linked target (1), unknown option (2, usage on stderr); a bad
// LEAKWATCH_OPTIONS key only warns (once, naming the key) and the target
// still runs; --version and --help succeed.
//
// RUN: %cc -g -O0 %s -o %t
// RUN: expect_exit 127 %leakwatch run -- no-such-program-leakwatch-e2e 2>&1 | %check --prefix=NOTFOUND
// RUN: expect_exit 127 %leakwatch run -- %T/does-not-exist 2>&1 | %check --prefix=NOTFOUND-PATH
// RUN: cp %t %T/not-executable && chmod a-x %T/not-executable
// RUN: expect_exit 126 %leakwatch run -- %T/not-executable
// REQUIRES: static-libc
// RUN: %cc -static -O0 %s -o %t.static
// RUN: expect_exit 1 %leakwatch run -- %t.static 2>&1 | %check --prefix=STATIC
// RUN: expect_exit 2 %leakwatch run --no-such-option -- %t > %T/badopt.out 2> %T/badopt.err
// RUN: %check --prefix=USAGE < %T/badopt.err
// RUN: test ! -s %T/badopt.out
// RUN: expect_exit 2 %leakwatch --no-such-option 2>&1 | %check --prefix=USAGE
// RUN: expect_exit 2 %leakwatch no-such-subcommand 2>&1 | %check --prefix=USAGE
// RUN: env LD_PRELOAD=%libleakwatch LEAKWATCH_OPTIONS=no_such_key=1 %t > %T/badkey.out 2> %T/badkey.err
// RUN: %check --prefix=TARGET < %T/badkey.out
// RUN: %check --prefix=BADKEY < %T/badkey.err
// RUN: test "$(grep -c 'leakwatch: warning:' %T/badkey.err)" -eq 1
// RUN: %leakwatch --version | %check --prefix=VERSION
// RUN: %leakwatch --help | %check --prefix=HELP

#include <stdio.h>

int main(void) {
  printf("hello from the target\n");
  return 0;
}

// NOTFOUND: leakwatch: no-such-program-leakwatch-e2e: command not found
// NOTFOUND-PATH: leakwatch: {{.*}}does-not-exist: command not found
// STATIC: statically linked
// USAGE: {{[Uu]sage}}
// TARGET: hello from the target
// BADKEY: leakwatch: warning:{{.*}}no_such_key
// VERSION: leakwatch {{.*}}{{[0-9]+\.[0-9]+\.[0-9]+}}
// HELP: {{[Uu]sage}}
// HELP: run
