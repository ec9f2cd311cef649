// `top` and `snapshot` find a process's state file through /proc/PID/maps
// (no ptrace): they work on a plain LD_PRELOAD target too, and refuse with
// one line and exit 1 a PID that does not exist, a process not started with
// leakwatch, and (when we can start one) a process of another user. A
// truncated or damaged snapshot is one error line naming the offset.
// (The LD_PRELOAD target is killed, so its session directory stays: it is
// put in the test's temp directory with session_dir=%T.)
//
// RUN: %cc -g -O0 %s -o %t
// RUN: expect_exit 1 %leakwatch top --once 99999999 2>&1 | %check --prefix=NOPROC
// RUN: expect_exit 2 %leakwatch snapshot 12ab -o %t.snap 2>&1 | %check --prefix=BADPID
// RUN: rm -f %t.pid; %t %t.pid & \
// RUN:   for i in $(seq 200); do test -s %t.pid && break; sleep 0.05; done; \
// RUN:   expect_exit 1 %leakwatch snapshot "$(cat %t.pid)" -o %t.snap > %t.plain 2>&1; \
// RUN:   kill "$(cat %t.pid)"; wait; %check --prefix=PLAIN --input %t.plain
// RUN: rm -f %t.pid; env LD_PRELOAD=%libleakwatch LEAKWATCH_OPTIONS=report_at_exit=false:session_dir=%T %t %t.pid & \
// RUN:   for i in $(seq 200); do test -s %t.pid && break; sleep 0.05; done; \
// RUN:   %leakwatch top --once --interval 0 --sort blocks "$(cat %t.pid)" > %t.top 2>&1; \
// RUN:   %leakwatch snapshot "$(cat %t.pid)" -o %t.snap 2> /dev/null; \
// RUN:   kill "$(cat %t.pid)"; wait; %check --prefix=PRELOAD --input %t.top
// RUN: head -c 100 %t.snap > %t.short.snap; expect_exit 1 %leakwatch report %t.short.snap 2>&1 | %check --prefix=SHORT
// RUN: cp %t.snap %t.bad.snap; printf '\377' | dd of=%t.bad.snap bs=1 seek=300 conv=notrunc 2>/dev/null; \
// RUN:   expect_exit 1 %leakwatch report %t.bad.snap 2>&1 | %check --prefix=DAMAGED
// RUN: expect_exit 1 %leakwatch diff %t.snap %t.short.snap 2>&1 | %check --prefix=SHORT
// RUN: if [ "$(id -u)" = 0 ] && command -v setpriv > /dev/null; then \
// RUN:   rm -f %t.pid; setpriv --reuid=65534 --regid=65534 --clear-groups sleep 30 & p=$!; sleep 0.2; \
// RUN:   expect_exit 1 %leakwatch top --once "$p" > %t.other 2>&1; r=$?; kill "$p"; wait; \
// RUN:   %check --prefix=OTHER --input %t.other; fi

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

__attribute__((noinline)) static void *make_item(void) {
  return malloc(12);  // @leak
}

int main(int argc, char **argv) {
  for (int i = 0; i < 4; i++)
    make_item();  // @call
  if (argc > 1) {
    char temp[4096];
    snprintf(temp, sizeof(temp), "%s.tmp", argv[1]);
    FILE *file = fopen(temp, "w");
    fprintf(file, "%d\n", (int)getpid());
    fclose(file);
    rename(temp, argv[1]);
    sleep(60);
  }
  return 0;
}

// NOPROC: leakwatch: error: process 99999999 does not exist
// BADPID: leakwatch: error: invalid PID '12ab'
// PLAIN: leakwatch: error: process {{[0-9]+}} was not started with leakwatch (no .lwstate file mapped)
// PRELOAD: leakwatch top: process {{[0-9]+}} ({{.*}}) every 0.0 s sorted by blocks (q quits)
// PRELOAD: live 48 B in 4 block(s)
// PRELOAD-NEXT: BYTES BLOCKS GROWTH/s SITE
// PRELOAD-NEXT: 48 4 - make_item server_cli_errors.c:[[@leak]] < main server_cli_errors.c:[[@call]]
// SHORT: leakwatch: error: {{.*}}.short.snap: offset 56: truncated: counters needs 128 byte(s), only 44 left
// DAMAGED: leakwatch: error: {{.*}}.bad.snap: offset {{[0-9]+}}: {{.*}}
// OTHER: leakwatch: error: process {{[0-9]+}} belongs to another user
