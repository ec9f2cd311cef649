// A program that releases every mapping and shared memory object it makes
// (anonymous and file mmap, partial munmaps covering a whole mapping,
// mremap, SysV shmget/shmat/shmdt/IPC_RMID, shm_open/shm_unlink), and a
// malloc-heavy part with blocks big enough for glibc to mmap them and
// realloc to mremap them, and a thread (its stack is mmap'd by glibc): no
// mapping is reported. glibc's and the runtime's own mappings never reach
// the hooks.
//
// RUN: %cc -g -O0 -fno-omit-frame-pointer -pthread %s -o %t
// RUN: %leakwatch run -- %t %T/clean.dat 2>&1 | %check
// RUN: %leakwatch run --format json -- %t %T/clean.dat 2>&1 | %check-json
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <unistd.h>

#define PAGE 4096

static void *worker(void *arg) {
  void *p = malloc(4 << 20);
  memset(p, 1, 4096);
  free(p);
  return arg;
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  char *a = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  munmap(a + PAGE, PAGE);
  munmap(a, PAGE);
  munmap(a + 2 * PAGE, 2 * PAGE);

  int fd = open(argv[1], O_RDWR | O_CREAT | O_TRUNC, 0600);
  if (fd < 0 || ftruncate(fd, 2 * PAGE) != 0) return 3;
  void *f = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  close(fd);
  munmap(f, 2 * PAGE);

  void *r = mmap(NULL, PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  r = mremap(r, PAGE, 8 * PAGE, MREMAP_MAYMOVE);
  munmap(r, 8 * PAGE);

  int id = shmget(IPC_PRIVATE, 3 * PAGE, IPC_CREAT | 0600);
  void *s = shmat(id, NULL, 0);
  if (id < 0 || s == (void *)-1) return 4;
  shmdt(s);
  shmctl(id, IPC_RMID, NULL);

  char name[64];
  snprintf(name, sizeof name, "/leakwatch-clean-%d", (int)getpid());
  int object = shm_open(name, O_CREAT | O_RDWR, 0600);
  if (object < 0) return 5;
  close(object);
  shm_unlink(name);

  for (int i = 0; i < 50; i++) {
    char *big = malloc((size_t)(i + 1) << 18);
    big[0] = 1;
    big = realloc(big, (size_t)(i + 2) << 19);
    free(big);
  }
  pthread_t thread;
  pthread_create(&thread, NULL, worker, NULL);
  pthread_join(thread, NULL);
  return 0;
}

// CHECK: leakwatch: process {{[0-9]+}} ({{.*}}) exited with status 0
// CHECK-NEXT: leakwatch: no leaks found
// CHECK-NOT: {{Mapping|MAPPINGS|shared memory}}

// JSON-NO-LEAKS:
// JSON-FIELD: summary.mappings_kept=0 summary.shm_attachments_kept=0 summary.shm_segments_kept=0 summary.shm_objects_kept=0
// JSON-FIELD: mappings=[]
