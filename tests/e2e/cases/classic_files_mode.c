// File-per-allocation mode (`run --files DIR`): while the program runs,
// each live block is a file named by its address; a freed block's file is
// gone; after exit DIR holds exactly the leaks, each naming its size, kind,
// thread and raw stack, whose first frame addr2line resolves to the
// allocating line.
//
// RUN: rm -rf %t.dir
// RUN: %cc -g -O0 %s -o %t
// RUN: %leakwatch run --files %t.dir -- %t %t.dir > %t.out 2>%t.err
// RUN: %check --prefix=LIVE --input %t.out
// RUN: ls %t.dir | wc -l | %check --prefix=COUNT
// RUN: cat %t.dir/$(sed -n 's/^leak48 //p' %t.out) | %check --prefix=FILE48
// RUN: cat %t.dir/$(sed -n 's/^leak200 //p' %t.out) | %check --prefix=FILE200
// RUN: grep -A1 '^stack' %t.dir/$(sed -n 's/^leak48 //p' %t.out) | tail -1 | tr '+' ' ' | \
// RUN:   { read obj off; addr2line -e "$obj" "$off"; } | %check --prefix=LINE
// Without the option nothing is written:
// RUN: rm -rf %t.none && %leakwatch run -- %t %t.none > /dev/null 2>&1; test ! -e %t.none

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int has_file(const char *dir, void *p) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%p", dir, p);
  return access(path, F_OK) == 0;
}

__attribute__((noinline)) static void *make_leak(size_t n) {
  return malloc(n);  // @leak_malloc
}

int main(int argc, char **argv) {
  const char *dir = argc > 1 ? argv[1] : ".";
  void *temp = malloc(77);
  printf("live %d\n", has_file(dir, temp));
  free(temp);
  printf("after free %d\n", has_file(dir, temp));
  void *leak48 = make_leak(48);
  void *leak200 = calloc(10, 20);
  printf("leak48 %p\nleak200 %p\n", leak48, leak200);
  return 0;
}

// LIVE: live 1
// LIVE-NEXT: after free 0
// COUNT: 2
// FILE48: address 0x{{[0-9a-f]+}}
// FILE48-NEXT: size 48
// FILE48-NEXT: kind malloc
// FILE48-NEXT: thread {{[0-9]+}}
// FILE48-NEXT: stack
// FILE48-NEXT: {{.*}}classic_files_mode.c.tmp+0x{{[0-9a-f]+}}
// FILE200: size 200
// FILE200-NEXT: kind calloc
// LINE: {{.*}}classic_files_mode.c:[[@leak_malloc]]
