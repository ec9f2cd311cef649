// SysV shared memory created and attached but never detached nor removed,
// and a POSIX shm object created and never unlinked: the segment and the
// object outlive the process, and the report says so with the key, the
// shmid and the name. The program prints the ids; the test removes them
// afterwards with the program's own "remove" mode (run without leakwatch).
//
// RUN: %cc -g -O0 -fno-omit-frame-pointer %s -o %t
// RUN: %leakwatch run -- %t > %t.out 2>&1; status=$?; \
// RUN:   %t remove $(sed -n 's/^IDS: //p' %t.out); test $status = 0 && %check --input %t.out
// RUN: %leakwatch run --format json -- %t > %t.json 2>&1; status=$?; \
// RUN:   %t remove $(sed -n 's/^IDS: //p' %t.json); test $status = 0 && %check-json %t.json
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <unistd.h>

__attribute__((noinline)) int create_segment(void) {
  return shmget(IPC_PRIVATE, 8192, IPC_CREAT | 0600);  // @shmget
}

__attribute__((noinline)) void *attach_segment(int id) {
  return shmat(id, NULL, 0);  // @shmat
}

__attribute__((noinline)) int create_object(const char *name) {
  return shm_open(name, O_CREAT | O_RDWR, 0600);  // @shm_open
}

int main(int argc, char **argv) {
  if (argc == 4 && strcmp(argv[1], "remove") == 0) {
    int failed = shmctl(atoi(argv[2]), IPC_RMID, NULL) != 0;
    failed |= shm_unlink(argv[3]) != 0;
    return failed;
  }
  char name[64];
  snprintf(name, sizeof name, "/leakwatch-e2e-%d", (int)getpid());
  int id = create_segment();  // @call_shmget
  if (id < 0) return 2;
  void *p = attach_segment(id);  // @call_shmat
  if (p == (void *)-1) return 3;
  memset(p, 1, 8192);
  int fd = create_object(name);  // @call_shm_open
  if (fd < 0) return 4;
  close(fd);
  printf("IDS: %d %s\n", id, name);
  return 0;
}

// CHECK: IDS: [[ID:[0-9]+]] /leakwatch-e2e-[[PID:[0-9]+]]
// CHECK: leakwatch: no leaks found
// CHECK: SysV shared memory attached and never detached: 8192 byte(s) in 1 attachment(s) of shmid [[ID]]; made at:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in attach_segment {{.*}}shm_leak.c:[[@shmat]]
// CHECK-NEXT: #1 0x{{[0-9a-f]+}} in main {{.*}}shm_leak.c:[[@call_shmat]]
// CHECK: SysV shared memory segment created and never removed: key 0x0, shmid [[ID]], 8192 byte(s); it outlives the process (ipcrm -m [[ID]]); created at:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in create_segment {{.*}}shm_leak.c:[[@shmget]]
// CHECK-NEXT: #1 0x{{[0-9a-f]+}} in main {{.*}}shm_leak.c:[[@call_shmget]]
// CHECK: POSIX shared memory object created and never unlinked: /leakwatch-e2e-[[PID]]; it outlives the process (shm_unlink, or rm /dev/shm/leakwatch-e2e-[[PID]]); created at:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in create_object {{.*}}shm_leak.c:[[@shm_open]]
// CHECK-NEXT: #1 0x{{[0-9a-f]+}} in main {{.*}}shm_leak.c:[[@call_shm_open]]
// CHECK: MAPPINGS: leakwatch: 0 byte(s) in 0 mapping(s) never unmapped, 1 SysV attachment(s) never detached; 1 SysV segment(s) and 1 POSIX shm object(s) never removed (they outlive the process).

// JSON-NO-LEAKS:
// JSON-FIELD: summary.shm_attachments_kept=1 summary.shm_segments_kept=1 summary.shm_objects_kept=1 summary.mappings_kept=0
// JSON-FIELD: mappings.0.kind=shmat mappings.0.bytes=8192 mappings.0.outlives_process=false
// JSON-FIELD: mappings.1.kind=shmget mappings.1.bytes=8192 mappings.1.shm_key=0 mappings.1.outlives_process=true
// JSON-FIELD: mappings.1.stack.0.function=create_segment mappings.1.stack.0.line=[[@shmget]]
// JSON-FIELD: mappings.2.kind=shm_open mappings.2.outlives_process=true mappings.2.stack.0.function=create_object
