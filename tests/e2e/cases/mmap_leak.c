// Mappings never unmapped are reported in their own section, each with the
// stack of the call that made it: an anonymous mapping, a file-backed one
// (with its file), one whose head and tail were unmapped (the middle is
// left), and one grown by mremap (reported at its new size, made where it
// was first mapped). Mappings unmapped in full are not. They are not heap
// leaks: the summary says no leaks, and the exit code is the program's.
// With track_mappings=false nothing is recorded.
//
// RUN: %cc -g -O0 -fno-omit-frame-pointer %s -o %t
// RUN: %leakwatch run -- %t %T/mapped.dat 2>&1 | %check
// RUN: %leakwatch run --format json -- %t %T/mapped.dat 2>&1 | %check-json
// RUN: LEAKWATCH_OPTIONS=track_mappings=false %leakwatch run -- %t %T/mapped.dat 2>&1 | %check --prefix=OFF
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE 4096

__attribute__((noinline)) void *anonymous_mapping(void) {
  return mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);  // @anon
}

__attribute__((noinline)) void *file_mapping(const char *path) {
  int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
  if (fd < 0 || write(fd, "leakwatch", 9) != 9) exit(2);
  void *p = mmap(NULL, 100, PROT_READ, MAP_SHARED, fd, 0);  // @file
  close(fd);
  return p;
}

__attribute__((noinline)) void *middle_left(void) {
  char *p = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);  // @partial
  munmap(p, PAGE);
  munmap(p + 3 * PAGE, PAGE);
  return p + PAGE;
}

__attribute__((noinline)) void *grown(void) {
  void *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);  // @grown
  // Another mapping right after it forces the grow to move.
  void *blocker = mmap((char *)p + PAGE, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  p = mremap(p, PAGE, 5 * PAGE, MREMAP_MAYMOVE);
  munmap(blocker, PAGE);
  return p;
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  void *kept[4] = {anonymous_mapping(), file_mapping(argv[1]), middle_left(), grown()};  // @calls
  for (int i = 0; i < 4; i++) {
    if (kept[i] == MAP_FAILED) return 3;
  }
  munmap(mmap(NULL, 7 * PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), 7 * PAGE);
  return 0;
}

// CHECK: leakwatch: process {{[0-9]+}} ({{.*}}) exited with status 0
// CHECK: leakwatch: no leaks found
// CHECK-NEXT: leakwatch: by kind: malloc
// CHECK-EMPTY:
// CHECK-NEXT: Mapping never unmapped: 20480 byte(s) in 1 mapping(s) (rw-, MAP_PRIVATE|MAP_ANONYMOUS); made at:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in grown {{.*}}mmap_leak.c:[[@grown]]
// CHECK-NEXT: #1 0x{{[0-9a-f]+}} in main {{.*}}mmap_leak.c:[[@calls]]
// CHECK: Mapping never unmapped: 12288 byte(s) in 1 mapping(s) (rw-, MAP_PRIVATE|MAP_ANONYMOUS); made at:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in anonymous_mapping {{.*}}mmap_leak.c:[[@anon]]
// CHECK: Mapping never unmapped: 8192 byte(s) in 1 mapping(s) (rw-, MAP_PRIVATE|MAP_ANONYMOUS); made at:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in middle_left {{.*}}mmap_leak.c:[[@partial]]
// CHECK: Mapping never unmapped: 4096 byte(s) in 1 mapping(s) of {{.*}}/mapped.dat (r--, MAP_SHARED); made at:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in file_mapping {{.*}}mmap_leak.c:[[@file]]
// CHECK-NOT: Mapping never unmapped
// CHECK: MAPPINGS: leakwatch: 45056 byte(s) in 4 mapping(s) never unmapped, 0 SysV attachment(s) never detached; 0 SysV segment(s) and 0 POSIX shm object(s) never removed (they outlive the process).

// JSON-NO-LEAKS:
// JSON-FIELD: summary.mappings_kept=4 summary.mapping_bytes_kept=45056 summary.shm_segments_kept=0
// JSON-FIELD: mappings.0.kind=mmap mappings.0.bytes=20480 mappings.0.protection=rw- mappings.0.flags=MAP_PRIVATE|MAP_ANONYMOUS
// JSON-FIELD: mappings.3.kind=mmap mappings.3.bytes=4096 mappings.3.protection=r-- mappings.3.flags=MAP_SHARED mappings.3.outlives_process=false
// JSON-FIELD: mappings.3.stack.0.function=file_mapping mappings.3.stack.0.line=[[@file]]

// OFF: leakwatch: no leaks found
// OFF-NOT: Mapping
// OFF-NOT: MAPPINGS
