// A server under `leakwatch run`, looked at from outside while it runs:
// `leakwatch top --once` and `leakwatch snapshot` find it by PID (no ptrace),
// `leakwatch report` renders a snapshot, and `leakwatch diff` shows the two
// sites that grew between two snapshots: the per-request leak (every earlier
// block never freed) and a cache that was replaced (grew, but 0% of its
// earlier blocks are still live).
//
// The server listens on 127.0.0.1 (ephemeral port), a forked client sends it
// requests; after each phase it writes its PID to <prefix>.readyN and waits
// for <prefix>.goN.
//
// RUN: %cc -g -O0 %s -o %t
// RUN: rm -f %t.ready* %t.go* %t.*.snap; \
// RUN:   %leakwatch run -- %t %t > %t.run 2>&1 & \
// RUN:   for i in $(seq 400); do test -s %t.ready1 && break; sleep 0.05; done; \
// RUN:   %leakwatch snapshot "$(cat %t.ready1)" -o %t.a.snap 2> %t.snap.log && \
// RUN:   %leakwatch top --once --interval 0.2 "$(cat %t.ready1)" > %t.top; \
// RUN:   touch %t.go1; \
// RUN:   for i in $(seq 400); do test -s %t.ready2 && break; sleep 0.05; done; \
// RUN:   %leakwatch snapshot "$(cat %t.ready2)" -o %t.b.snap 2>> %t.snap.log; \
// RUN:   touch %t.go2; wait
// RUN: %check --prefix=SNAP --input %t.snap.log
// RUN: %check --prefix=TOP --input %t.top
// RUN: test "$(stat -c %%a %t.a.snap)" = 600
// RUN: %leakwatch diff %t.a.snap %t.b.snap | %check --prefix=DIFF
// RUN: %leakwatch diff --format json %t.a.snap %t.b.snap > %t.diff.json
// RUN: %python -c "import json,sys; d=json.load(open(sys.argv[1])); s=d['sites']; \
// RUN:   assert [x['growth_bytes'] for x in s]==[960,320], s; \
// RUN:   assert s[0]['blocks_never_freed']==10 and s[0]['never_freed_percent']==100.0, s[0]; \
// RUN:   assert s[1]['blocks_freed']==5 and s[1]['never_freed_percent']==0.0, s[1]" %t.diff.json
// RUN: %leakwatch report %t.a.snap 2>&1 | %check --prefix=REPORT
// RUN: %leakwatch report --format json %t.b.snap 2>&1 | %check-json --prefix=JSONB
// RUN: %check --prefix=FINAL --input %t.run

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static void *g_cache[10];
static int g_cache_size;

__attribute__((noinline)) static void remember_request(void) {
  char *copy = malloc(48);  // @leak
  memset(copy, 'r', 48);
}

__attribute__((noinline)) static void refill_cache(int entries) {
  for (int i = 0; i < g_cache_size; i++) free(g_cache[i]);
  for (int i = 0; i < entries; i++) g_cache[i] = malloc(64);  // @cache
  g_cache_size = entries;
}

static void client(int port, int requests) {
  for (int i = 0; i < requests; i++) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&address, sizeof(address)) != 0) _exit(3);
    char reply[8];
    if (write(fd, "hi\n", 3) != 3 || read(fd, reply, sizeof(reply)) <= 0) _exit(4);
    close(fd);
  }
  _exit(0);
}

static void serve(int listener, int port, int requests) {
  pid_t child = fork();
  if (child == 0) client(port, requests);
  for (int i = 0; i < requests; i++) {
    int fd = accept(listener, NULL, NULL);
    char buffer[16];
    char *scratch = malloc(500);  // freed: never reported
    if (read(fd, buffer, sizeof(buffer)) > 0) remember_request();  // @call
    if (write(fd, "ok\n", 3) != 3) exit(5);
    free(scratch);
    close(fd);
  }
  int status = 0;
  waitpid(child, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) exit(6);
}

static void pause_for(const char *prefix, int phase) {
  char path[4096], temp[4096];
  snprintf(path, sizeof(path), "%s.ready%d", prefix, phase);
  snprintf(temp, sizeof(temp), "%s.tmp", path);
  FILE *file = fopen(temp, "w");
  fprintf(file, "%d\n", (int)getpid());
  fclose(file);
  rename(temp, path);
  snprintf(path, sizeof(path), "%s.go%d", prefix, phase);
  for (int i = 0; i < 2000 && access(path, F_OK) != 0; i++) usleep(10000);
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in address = {.sin_family = AF_INET};
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof(address);
  if (bind(listener, (struct sockaddr *)&address, sizeof(address)) != 0 || listen(listener, 16) != 0 ||
      getsockname(listener, (struct sockaddr *)&address, &size) != 0)
    return 7;
  int port = ntohs(address.sin_port);

  // One call site per function for both phases: a site is a whole stack.
  for (int phase = 1; phase <= 2; phase++) {
    refill_cache(phase * 5);        // @refill
    serve(listener, port, phase == 1 ? 10 : 20);  // @serve
    pause_for(argv[1], phase);
  }
  close(listener);
  refill_cache(0);
  return 0;
}

// SNAP: leakwatch: snapshot of process {{[0-9]+}}: 800 byte(s) in 15 object(s) at 2 stack(s) written to {{.*}}.a.snap
// SNAP: leakwatch: snapshot of process {{[0-9]+}}: 2080 byte(s) in 40 object(s) at 2 stack(s) written to {{.*}}.b.snap

// TOP: leakwatch top: process {{[0-9]+}} ({{.*}}) every 0.2 s sorted by bytes (q quits)
// TOP-NEXT: allocations {{[0-9]+}} frees {{[0-9]+}} live 800 B in 15 block(s) peak {{.*}}
// TOP-NEXT: BYTES BLOCKS GROWTH/s SITE
// TOP-NEXT: 480 10 0 B remember_request server_snapshot_diff.c:[[@leak]] < serve server_snapshot_diff.c:[[@call]]
// TOP-NEXT: 320 5 0 B refill_cache server_snapshot_diff.c:[[@cache]] < main server_snapshot_diff.c:[[@refill]]

// DIFF: leakwatch: diff of process {{[0-9]+}} ({{.*}}) over {{[0-9.]+}} s: live 800 -> 2080 byte(s), 15 -> 40 object(s)
// DIFF: Growth of 960 byte(s) (+20 object(s)) to 1440 byte(s) in 30 object(s), allocated from:
// DIFF-NEXT: #0 0x{{[0-9a-f]+}} in remember_request {{.*}}server_snapshot_diff.c:[[@leak]]
// DIFF-NEXT: #1 0x{{[0-9a-f]+}} in serve {{.*}}server_snapshot_diff.c:[[@call]]
// DIFF: added: 20 object(s), 960 byte(s); never freed: 10 of 10 earlier object(s) (100%)
// DIFF: Growth of 320 byte(s) (+5 object(s)) to 640 byte(s) in 10 object(s), allocated from:
// DIFF-NEXT: #0 0x{{[0-9a-f]+}} in refill_cache {{.*}}server_snapshot_diff.c:[[@cache]]
// DIFF-NEXT: #1 0x{{[0-9a-f]+}} in main {{.*}}server_snapshot_diff.c:[[@refill]]
// DIFF: added: 10 object(s), 640 byte(s); never freed: 0 of 5 earlier object(s) (0%)
// DIFF: SUMMARY: leakwatch: 1280 byte(s) of growth at 2 site(s).

// REPORT: leakwatch: process {{[0-9]+}} ({{.*}}) is still running
// REPORT: Leak of 480 byte(s) in 10 object(s) allocated from:
// REPORT-NEXT: #0 0x{{[0-9a-f]+}} in remember_request {{.*}}server_snapshot_diff.c:[[@leak]]
// REPORT: Leak of 320 byte(s) in 5 object(s) allocated from:
// REPORT: SUMMARY: leakwatch: 800 byte(s) leaked in 15 allocation(s)

// JSONB-SUMMARY: leaked_bytes=2080 leaked_blocks=40
// JSONB-LEAK: bytes=1440 blocks=30 kinds=malloc frames=remember_request@server_snapshot_diff.c:[[@leak]],serve@server_snapshot_diff.c:[[@call]]
// JSONB-LEAK: bytes=640 blocks=10 kinds=malloc frames=refill_cache@server_snapshot_diff.c:[[@cache]],main@server_snapshot_diff.c:[[@refill]]

// FINAL: leakwatch: process {{[0-9]+}} ({{.*}}) exited with status 0
// FINAL: {{(Direct l|L)}}eak of 1440 byte(s) in 30 object(s) allocated from:
// FINAL-NEXT: #0 0x{{[0-9a-f]+}} in remember_request {{.*}}server_snapshot_diff.c:[[@leak]]
// FINAL-NOT: eak of
// FINAL: SUMMARY: leakwatch: 1440 byte(s) leaked in 30 allocation(s)
