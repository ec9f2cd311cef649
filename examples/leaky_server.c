// leaky_server.c - a toy request handler with two classic leaks, for trying
// leakwatch (see README.md in this directory):
//
//   1. handle_request() returns early on a malformed request without freeing
//      the buffer it copied the request into (a leak on an error path);
//   2. shutdown_sessions() "clears" the session list by dropping its head
//      instead of freeing the nodes (every node leaks).
//
// Build: part of the normal build (target leakwatch_example_leaky), or
//   cc -g -O1 leaky_server.c -o leaky_server
// Run:   leakwatch run -- ./leaky_server

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { kReadBufferSize = 64, kNameSize = 48 };

struct session {
  char user[kNameSize];
  int id;
  struct session *next;
};

static struct session *g_sessions;
static int g_next_id = 1;

// Opens a session for `user` and links it at the head of the session list.
static struct session *session_open(const char *user) {
  struct session *s = malloc(sizeof *s);
  if (s == NULL)
    return NULL;
  snprintf(s->user, sizeof s->user, "%s", user);
  s->id = g_next_id++;
  s->next = g_sessions;
  g_sessions = s;
  return s;
}

// BUG (leak 2): forgets the nodes; should walk the list and free each one.
static void shutdown_sessions(void) {
  g_sessions = NULL;
}

// Parses "LOGIN <user>" or "GET <path>". Returns 0 on success, -1 for a
// malformed request.
static int handle_request(const char *request) {
  char *buf = malloc(kReadBufferSize);
  if (buf == NULL)
    return -1;
  snprintf(buf, kReadBufferSize, "%s", request);

  char verb[16], arg[kNameSize];
  if (sscanf(buf, "%15s %47s", verb, arg) != 2) {
    fprintf(stderr, "bad request: '%s'\n", request);
    return -1;  // BUG (leak 1): `buf` is not freed on this path.
  }
  if (strcmp(verb, "LOGIN") == 0) {
    struct session *s = session_open(arg);
    if (s != NULL)
      printf("session %d for %s\n", s->id, s->user);
  } else if (strcmp(verb, "GET") == 0) {
    printf("GET %s -> 200\n", arg);
  } else {
    printf("%s %s -> 405\n", verb, arg);
  }
  free(buf);
  return 0;
}

int main(void) {
  static const char *const requests[] = {
      "LOGIN alice", "GET /index.html", "garbage", "LOGIN bob", "", "LOGIN carol",
  };
  const int n = (int)(sizeof requests / sizeof requests[0]);
  int rejected = 0;
  for (int i = 0; i < n; i++)
    if (handle_request(requests[i]) != 0)
      rejected++;
  shutdown_sessions();
  printf("handled %d request(s), %d rejected\n", n, rejected);
  return 0;
}
