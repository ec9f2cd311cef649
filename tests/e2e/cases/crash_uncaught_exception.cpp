// An uncaught C++ exception: std::terminate aborts the program (SIGABRT,
// exit 128+6 = 134). The report still lists what was outstanding, including
// the in-flight exception object, allocated where it was thrown (no exit
// handlers ran, so libstdc++'s own buffers are outstanding too: the JSON
// leak set is therefore not asserted exactly).
//
// RUN: %cxx -g -O0 %s -o %t
// RUN: ulimit -c 0; expect_exit 134 %leakwatch run -- %t 2>&1 | %check
// RUN: ulimit -c 0; expect_exit 134 %leakwatch run --format json -- %t 2>&1 | %check-json

#include <stdexcept>

struct Session {  // 40 bytes
  long fields[5];
};

__attribute__((noinline)) static Session *open_session() {
  return new Session();  // @leak
}

__attribute__((noinline)) static void handle(Session *session) {
  if (session->fields[0] == 0) throw std::runtime_error("bad request");  // @throw
}

int main() {
  Session *session = open_session();  // @call
  handle(session);
  delete session;
  return 0;
}

// CHECK: leakwatch: process {{[0-9]+}} ({{.*}}) was killed by signal 6 (SIGABRT)
// CHECK: #0 0x{{[0-9a-f]+}} in __cxa_allocate_exception
// CHECK-NEXT: #1 0x{{[0-9a-f]+}} in handle{{.*}}crash_uncaught_exception.cpp:[[@throw]]
// CHECK: Leak of 40 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in open_session{{.*}}crash_uncaught_exception.cpp:[[@leak]]
// CHECK-NEXT: #1 0x{{[0-9a-f]+}} in main {{.*}}crash_uncaught_exception.cpp:[[@call]]

// JSON-FIELD: process.signal=6
// JSON-FIELD: process.exit_status=null leaks.0.kind=unclassified
