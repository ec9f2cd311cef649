// Memory that libc allocates on the caller's behalf: for strdup and strndup,
// frame #0 is the libc function itself and #1 the caller (the allocator hook
// frames are not shown).
//
// RUN: %cc -g -O0 %s -o %t
// RUN: %leakwatch run -- %t 2>&1 | %check
// RUN: %leakwatch run --format json -- %t 2>&1 | %check-json

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void) {
  char *s = strdup("hello, leakwatch");  // @strdup
  char *n = strndup("abcdefgh", 5);  // @strndup
  free(strdup("this one is freed"));
  printf("%s %s\n", s, n);
  return 0;
}

// CHECK: Direct leak of 17 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in {{(__GI_)?(__)?}}strdup {{.*}}
// CHECK-NEXT: #1 0x{{[0-9a-f]+}} in main {{.*}}strdup_leak.c:[[@strdup]]
// CHECK: Direct leak of 6 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in {{(__GI_)?(__)?}}strndup {{.*}}
// CHECK-NEXT: #1 0x{{[0-9a-f]+}} in main {{.*}}strdup_leak.c:[[@strndup]]
// CHECK-NOT: {{[Ll]eak of}}
// CHECK: SUMMARY: leakwatch: 23 byte(s) leaked in 2 allocation(s)

// JSON-SUMMARY: leaked_bytes=23 leaked_blocks=2
// JSON-LEAK: bytes=17 blocks=1 kinds=malloc frames={{(__GI_)?(__)?strdup}},main@strdup_leak.c:[[@strdup]]
// JSON-LEAK: bytes=6 blocks=1 kinds=malloc frames={{(__GI_)?(__)?strndup}},main@strdup_leak.c:[[@strndup]]
