// `leakwatch run --watch-interval 1` samples a running server's state file
// from the CLI and names a site whose memory grows while its blocks stay
// live (the per-request leak), but not a site that allocates and frees
// steadily (a ring of session buffers). The server listens on 127.0.0.1
// (ephemeral port), a forked client sends 40 requests 100 ms apart (about
// 4 s, so at least 4 samples are taken), then the server exits by itself
// with status 3, which leakwatch passes through after the final report.
//
// RUN: %cc -g -O0 %s -o %t
// RUN: %leakwatch run --watch-interval 1 -- %t > %t.out 2> %t.run; test $? -eq 3
// RUN: %check --prefix=WATCH --input %t.run
// RUN: ! grep -q "suspected leak: open_session" %t.run
// RUN: test "$(grep -c 'suspected leak: remember_request' %t.run)" -le 1
// RUN: %check --prefix=FINAL --input %t.run

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define RING 5
static void *g_sessions[RING];

__attribute__((noinline)) static void remember_request(void) {
  char *copy = malloc(64);  // @leak
  memset(copy, 'r', 64);
}

// Steady: one buffer per request, the oldest of RING freed.
__attribute__((noinline)) static void open_session(int request) {
  free(g_sessions[request % RING]);
  g_sessions[request % RING] = malloc(256);  // @steady
  memset(g_sessions[request % RING], 's', 256);
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
    usleep(100000);
  }
  _exit(0);
}

int main(void) {
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in address = {.sin_family = AF_INET};
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof(address);
  if (bind(listener, (struct sockaddr *)&address, sizeof(address)) != 0 || listen(listener, 16) != 0 ||
      getsockname(listener, (struct sockaddr *)&address, &size) != 0)
    return 7;
  int port = ntohs(address.sin_port);
  int requests = 40;
  pid_t child = fork();
  if (child == 0) client(port, requests);
  for (int i = 0; i < requests; i++) {
    int fd = accept(listener, NULL, NULL);
    char buffer[16];
    if (read(fd, buffer, sizeof(buffer)) > 0) {
      open_session(i);
      remember_request();  // @call
    }
    if (write(fd, "ok\n", 3) != 3) return 5;
    close(fd);
  }
  int status = 0;
  waitpid(child, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return 6;
  close(listener);
  for (int i = 0; i < RING; i++) free(g_sessions[i]);
  return 3;
}

// WATCH: leakwatch: suspected leak: remember_request server_watch.c:[[@leak]] grew {{[0-9.]+ [KMG]?i?B}} in {{[0-9]+}} s at {{[0-9]+}} blocks/s, 0% freed

// FINAL: leakwatch: process {{[0-9]+}} ({{.*}}) exited with status 3
// FINAL: {{(Direct l|L)}}eak of 2560 byte(s) in 40 object(s) allocated from:
// FINAL-NEXT: #0 0x{{[0-9a-f]+}} in remember_request {{.*}}server_watch.c:[[@leak]]
// FINAL-NOT: eak of
// FINAL: SUMMARY: leakwatch: 2560 byte(s) leaked in 40 allocation(s)
