// The runtime's state file lives on a filesystem that fills up (a 3 MiB
// tmpfs as session_dir, in a private mount namespace): the target keeps
// running, leakwatch says so ONCE on stderr, the allocation and free counts
// stay exact, and leaks recorded in space freed earlier are still
// reported. The reachability scan is skipped (it would have to read the
// holes a full tmpfs answers with SIGBUS): the leaks are unclassified.
// (Needs a mount namespace: where `unshare -m` is not allowed the case says
// so and checks nothing.)
//
// RUN: %cc -g -O0 %s -o %t
// RUN: if ! unshare -m true 2>/dev/null; then echo "no mount namespace here: not checked"; exit 0; fi; \
// RUN:   mkdir -p %T/small && unshare -m sh -c 'mount -t tmpfs -o size=3m tmpfs %T/small && \
// RUN:   exec %leakwatch run --session-dir %T/small --format json -- %t' > %T/out.txt 2> %T/err.txt; \
// RUN:   rc=$?; cat %T/out.txt; test $rc -eq 0 && %check --prefix=OUT < %T/out.txt && \
// RUN:   test "$(grep -c 'no space left for the state file' %T/err.txt)" -eq 1 && \
// RUN:   %check-json %T/err.txt && \
// RUN:   %python -c "import json,sys; t=open(sys.argv[1]).read(); s=json.loads(t[t.index('{'):])['summary']; print(s); sys.exit(not (s['records_dropped'] > 0 and s['allocations'] - s['frees'] == 3 and s['bytes_allocated'] - s['bytes_freed'] >= 192 and s['bytes_allocated'] - s['bytes_freed'] < 192 + 4096))" %T/err.txt

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { kLive = 300000 };  // 32-byte records: ~9.6 MB, far more than the tmpfs

__attribute__((noinline)) static void leak_after_the_storm(void) {
  for (int i = 0; i < 3; i++) {
    char *p = malloc(64);  // @leak
    memset(p, 0, 64);
  }
}

int main(void) {
  static void *blocks[kLive];
  for (int i = 0; i < kLive; i++)
    blocks[i] = malloc(16);
  for (int i = 0; i < kLive; i++)
    free(blocks[i]);
  leak_after_the_storm();  // @call
  printf("still running\n");
  return 0;
}

// OUT: still running

// Every allocation and free is counted, recorded or not (the python check
// above: allocations - frees == 3); the 3 leaks reuse the slots the frees
// released. Bytes too: a block that got no record carries its size in its
// header, so its free subtracts what its allocation added (the live bytes
// left are the 192 leaked plus what glibc and libstdc++ keep until exit).
// JSON-FIELD: process.exit_status=0 summary.classified=false
// JSON-SUMMARY: leaked_bytes=192 leaked_blocks=3
// JSON-LEAK: bytes=192 blocks=3 kinds=malloc frames=leak_after_the_storm@state_file_out_of_space.c:[[@leak]],main@state_file_out_of_space.c:[[@call]]
